// DirectorSwitch: the Director a proxy engine holds for one service, forwarding to the service's
// current ServiceDirector. A commit that changes only what the director decides (rules, pools,
// reals, weights, persistence, rewriting) installs a new ServiceDirector here instead of
// restarting the engine, so no client connection notices. Earlier directors stay alive until the
// engine stops (requests in flight finish on the one that routed them: the version travels in the
// top 16 bits of Endpoint::real_id).
//
// Least connections follows the switch: upstream connections are counted per (pool name, real
// identity) whatever version opened them, and the current director's pools see those counts (it
// starts from the live ones when installed), so idle connections in the engine's keep-alive pools
// weigh on the new director at once, not only when reused.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "mgmt/l7/service_director.h"

namespace vlb::mgmt::l7 {

class DirectorSwitch : public proxy::Director {
 public:
  static constexpr uint32_t kVersions = 1024;  // installs per engine; then the engine is rebuilt

  explicit DirectorSwitch(std::unique_ptr<ServiceDirector> first);

  // Control thread. False when all versions are used (the caller rebuilds the engine instead).
  bool install(std::unique_ptr<ServiceDirector> next);
  ServiceDirector& current() const {
    return *slots_[version_.load(std::memory_order_acquire)].load();
  }
  uint32_t installs() const { return version_.load() + 1; }

  proxy::Decision route(const proxy::RequestInfo& request) override;
  void editResponse(const proxy::Decision& decision, const proxy::ResponseInfo& response,
                    proxy::HeaderEdits* edits) override;
  void onRequestStart(uint64_t real_id) override;
  void onRequestEnd(uint64_t real_id) override;
  void onUpstreamOpened(uint64_t real_id) override;
  void onUpstreamClosed(uint64_t real_id) override;

  // Open upstream connections to `identity` ("address:port") for pool `pool`, counted across
  // versions; 0 when never seen.
  int64_t openConnections(const std::string& pool, const std::string& identity) const;

 private:
  static constexpr uint64_t kAbsent = UINT64_MAX;

  ServiceDirector* of(uint64_t real_id) const {
    const uint64_t v = real_id >> 48;
    return v < kVersions ? slots_[v].load(std::memory_order_acquire) : nullptr;
  }
  // Under the exclusive lock: the connection counters of `d`'s reals (new ones added), and `d`
  // as the director whose pools get the counts.
  void mapVersion(ServiceDirector& d);
  void countConnection(uint64_t real_id, bool opened);

  std::array<std::atomic<ServiceDirector*>, kVersions> slots_{};
  std::atomic<uint32_t> version_{0};
  std::vector<std::unique_ptr<ServiceDirector>> owned_;  // control thread only

  // Connection accounting: workers take the lock shared, install() exclusive (so that the new
  // director's starting counts and the events after them add up exactly).
  mutable std::shared_mutex accounting_mu_;
  std::deque<std::atomic<int64_t>> connections_;  // per counter: open connections, any version
  std::map<std::pair<std::string, std::string>, uint32_t> counter_of_;  // (pool, identity)
  std::vector<std::vector<std::vector<uint32_t>>> counter_of_version_;  // [version][pool][real]
  std::vector<uint64_t> current_real_of_counter_;  // the current director's real_id, or kAbsent
  ServiceDirector* accounting_ = nullptr;          // the director whose pools get the counts
};

}  // namespace vlb::mgmt::l7
