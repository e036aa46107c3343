// Table::build: validation, then the structure each scheduler reads. Control thread only.
#include <unordered_map>

#include "datapath/sched/hash.h"
#include "datapath/sched/maglev.h"
#include "datapath/sched/scheduler.h"
#include "datapath/sched/wrr.h"

namespace vlb::dp::sched {
namespace {

// Seeds of the two hashes of a real's identity that give its Maglev permutation. Fixed forever:
// changing one reshuffles every table.
constexpr uint32_t kOffsetSeed = 0x6d2b79f5U;
constexpr uint32_t kSkipSeed = 0x1b873593U;

bool validate(std::span<const Real> reals, std::string* error) {
  if (reals.size() > kMaxReals) {
    *error =
        std::to_string(reals.size()) + " reals: a service has at most " + std::to_string(kMaxReals);
    return false;
  }
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < reals.size(); ++i) {
    if (reals[i].identity.empty()) {
      *error = "real " + std::to_string(i) + ": identity is empty";
      return false;
    }
    auto [it, fresh] = seen.emplace(reals[i].identity, i);
    if (!fresh) {
      *error = "real " + std::to_string(i) + ": identity \"" + reals[i].identity +
               "\" is already real " + std::to_string(it->second) + "'s";
      return false;
    }
  }
  return true;
}

std::vector<uint16_t> buildLookup(const Table& table, const Table* previous) {
  const uint32_t n = table.realCount();
  std::vector<maglev::Candidate> candidates(n);
  for (uint32_t i = 0; i < n; ++i) {
    candidates[i] = {table.effectiveWeight(i), hashBytes(table.identity(i), kOffsetSeed),
                     hashBytes(table.identity(i), kSkipSeed)};
  }
  uint32_t size = maglev::tableSize(n);
  if (previous == nullptr || previous->lookup().empty())
    return maglev::buildLookup(candidates, size, nullptr);

  // Keep the previous size while it is big enough: a new size would remap every flow.
  if (previous->lookup().size() >= uint64_t(n) * 100) size = uint32_t(previous->lookup().size());
  std::unordered_map<std::string_view, uint32_t> now;
  for (uint32_t i = 0; i < n; ++i) now.emplace(table.identity(i), i);
  std::vector<uint32_t> new_index(previous->realCount(), kNoReal);
  for (uint32_t old = 0; old < previous->realCount(); ++old)
    if (auto it = now.find(previous->identity(old)); it != now.end()) new_index[old] = it->second;
  const maglev::History history{previous->lookup(), new_index};
  return maglev::buildLookup(candidates, size, &history);
}

}  // namespace

std::unique_ptr<const Table> Table::build(Kind kind, std::span<const Real> reals,
                                          const Table* previous, std::string* error) {
  if (!validate(reals, error)) return nullptr;
  std::unique_ptr<Table> t(new Table());
  t->kind_ = kind;
  for (const Real& r : reals) {
    const uint16_t w = r.enabled ? r.weight : 0;
    t->weight_.push_back(w);
    t->identity_.push_back(r.identity);
    if (w > 0) ++t->eligible_count_;
  }
  if (previous != nullptr && previous->kind() != kind) previous = nullptr;

  switch (kind) {
    case Kind::kRr:
      for (uint32_t i = 0; i < t->realCount(); ++i)
        if (t->weight_[i] > 0) t->sequence_.push_back(uint16_t(i));
      break;
    case Kind::kWrr:
      t->sequence_ = smoothSequence(t->weight_);
      break;
    case Kind::kSh:
    case Kind::kMaglev:
      t->lookup_ = buildLookup(*t, previous);
      break;
    case Kind::kLc:
    case Kind::kWlc:
      break;  // they read weight_ and the lcore's counts
  }
  return t;
}

size_t Table::memoryBytes() const {
  size_t bytes = sizeof *this + (weight_.capacity() + sequence_.capacity() + lookup_.capacity()) *
                                    sizeof(uint16_t);
  for (const std::string& id : identity_) bytes += sizeof id + id.capacity();
  return bytes;
}

}  // namespace vlb::dp::sched
