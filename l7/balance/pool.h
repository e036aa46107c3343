// An L7 pool: the reals of one upstream pool with their weights, up/down flags and live counters,
// and the scheduler that picks among them. Built by the control plane at commit, then shared by
// every L7 worker thread: picks and counters are lock-free (atomics), health updates are atomic
// stores.
//
//   auto pool = Pool::create("owa", Algorithm::kLcr, reals);
//   uint32_t i = (*pool)->pick();             // kNoReal: none up -> answer 503
//   (*pool)->requestStarted(i); ... (*pool)->requestEnded(i);
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"

namespace vlb::l7::balance {

enum class Algorithm : uint8_t {
  kRr,   // round robin over up reals with weight > 0
  kWrr,  // smooth weighted round robin (interleaved: 5,1,1 gives a a b a c a a)
  kLc,   // least active connections, relative to weight
  kLcr,  // least current requests, relative to weight (callers report start and end)
};

std::string_view algorithmName(Algorithm a);
std::optional<Algorithm> algorithmFromName(std::string_view name);

inline constexpr uint32_t kNoReal = UINT32_MAX;
inline constexpr uint32_t kMaxWeight = 65535;
inline constexpr uint32_t kMaxReals = 4096;

struct RealSpec {
  uint32_t id = 0;      // stable identity from the config (what persistence records), unique
  uint32_t weight = 1;  // 0: drained (no new clients; persisted clients stay while it is up)
  bool up = true;
  std::string name;  // for logs
};

// One real's live state, alone on its cache line so that threads updating different reals do
// not contend.
struct alignas(64) RealState {
  uint32_t id = 0;
  uint32_t weight = 0;
  std::atomic<bool> up{false};
  std::atomic<uint32_t> connections{0};
  std::atomic<uint32_t> requests{0};
};

class Pool {
 public:
  // Errors: pool "owa": reals[2].id 7 is used twice / reals[1].weight 70000 is over 65535.
  static Result<std::unique_ptr<Pool>> create(std::string name, Algorithm algorithm,
                                              const std::vector<RealSpec>& reals);

  uint32_t pick();  // index of a real, or kNoReal when no real with weight > 0 is up

  uint32_t size() const { return size_; }
  uint32_t indexOf(uint32_t real_id) const;  // kNoReal when the pool has no such real
  uint32_t idOf(uint32_t index) const { return reals_[index].id; }
  const std::string& realName(uint32_t index) const { return names_[index]; }
  bool isUp(uint32_t index) const { return reals_[index].up.load(std::memory_order_relaxed); }
  uint32_t upCount() const { return up_count_.load(std::memory_order_relaxed); }
  const std::string& name() const { return name_; }
  Algorithm algorithm() const { return algorithm_; }

  void setUp(uint32_t index, bool up);  // health checks; any thread

  void connectionStarted(uint32_t index) { reals_[index].connections.fetch_add(1, kRelaxed); }
  void connectionEnded(uint32_t index) { reals_[index].connections.fetch_sub(1, kRelaxed); }
  void requestStarted(uint32_t index) { reals_[index].requests.fetch_add(1, kRelaxed); }
  void requestEnded(uint32_t index) { reals_[index].requests.fetch_sub(1, kRelaxed); }
  uint32_t connections(uint32_t index) const { return reals_[index].connections.load(kRelaxed); }
  uint32_t requests(uint32_t index) const { return reals_[index].requests.load(kRelaxed); }

 private:
  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
  Pool() = default;
  bool schedulable(uint32_t i) const { return reals_[i].weight > 0 && isUp(i); }
  uint32_t pickFromSequence(const std::vector<uint32_t>& sequence);
  uint32_t pickLeast(std::atomic<uint32_t> RealState::*counter);

  std::string name_;
  Algorithm algorithm_ = Algorithm::kRr;
  uint32_t size_ = 0;
  std::unique_ptr<RealState[]> reals_;
  std::vector<std::string> names_;
  std::vector<std::pair<uint32_t, uint32_t>> by_id_;  // (id, index), sorted by id
  std::vector<uint32_t> sequence_;     // rr: every real once; wrr: the smooth weighted cycle
  std::atomic<uint32_t> up_count_{0};  // up reals with weight > 0
  alignas(64) std::atomic<uint64_t> cursor_{0};
};

}  // namespace vlb::l7::balance
