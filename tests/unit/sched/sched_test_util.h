// Helpers for the scheduler tests: reals with documentation-range identities, random flows, and
// measures of a Maglev table.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "datapath/sched/scheduler.h"

namespace vlb::dp::sched::test {

// "192.0.2.1:8000", "192.0.2.2:8000", … (250 addresses a port, then the next port).
inline std::string identity(uint32_t i) {
  return "192.0.2." + std::to_string(i % 250 + 1) + ":" + std::to_string(8000 + i / 250);
}

inline std::vector<Real> reals(uint32_t n, uint16_t weight = 1) {
  std::vector<Real> v;
  for (uint32_t i = 0; i < n; ++i) v.push_back({identity(i), weight, true});
  return v;
}

inline std::vector<Real> weighted(std::initializer_list<uint16_t> weights) {
  std::vector<Real> v;
  for (uint16_t w : weights) v.push_back({identity(uint32_t(v.size())), w, true});
  return v;
}

inline std::unique_ptr<const Table> build(Kind kind, const std::vector<Real>& r,
                                          const Table* previous = nullptr) {
  std::string error;
  auto t = Table::build(kind, r, previous, &error);
  EXPECT_TRUE(t) << error;
  return t;
}

// Deterministic pseudo-random 32-bit values (fixed seed: a failure reproduces).
inline std::vector<uint32_t> randomHashes(size_t n, uint32_t seed = 12345) {
  std::mt19937 gen(seed);
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = uint32_t(gen());
  return v;
}

// How many picks each real gets over `n` consecutive picks.
inline std::map<RealIndex, int> countPicks(const Table& t, LcoreState& s, int n) {
  std::map<RealIndex, int> count;
  for (int i = 0; i < n; ++i) ++count[pick(t, s, {})];
  return count;
}

// Slots per real in a Maglev/sh table; every slot must hold an eligible real.
inline std::vector<uint32_t> slotsPerReal(const Table& t) {
  std::vector<uint32_t> count(t.realCount(), 0);
  for (uint16_t r : t.lookup()) {
    EXPECT_TRUE(t.eligible(r)) << r;
    if (r < count.size()) ++count[r];
  }
  return count;
}

// The largest deviation of a real's slots from its exact weighted share: relative to that share,
// or (relative = false) in slots.
inline double worstImbalance(const Table& t, bool relative = true) {
  const auto count = slotsPerReal(t);
  double total = 0, worst = 0;
  for (uint32_t r = 0; r < t.realCount(); ++r) total += t.effectiveWeight(r);
  for (uint32_t r = 0; r < t.realCount(); ++r) {
    if (!t.eligible(r)) continue;
    const double share = double(t.lookup().size()) * t.effectiveWeight(r) / total;
    worst = std::max(worst, std::abs(count[r] - share) / (relative ? share : 1.0));
  }
  return worst;
}

// Which real (by identity) each flow lands on.
inline std::vector<std::string> route(const Table& t, const std::vector<uint32_t>& flows) {
  LcoreState s(kMaxReals, 0);
  std::vector<std::string> out;
  out.reserve(flows.size());
  for (uint32_t h : flows) {
    const RealIndex r = pick(t, s, {0, h});
    out.push_back(r == kNoReal ? "none" : t.identity(r));
  }
  return out;
}

// How far a measured fraction of random flows may stray from p: the table's 1 % plus four
// standard deviations of sampling.
inline double tolerance(double p, size_t flows) {
  return 0.01 * p + 4 * std::sqrt(p * (1 - p) / flows);
}

}  // namespace vlb::dp::sched::test
