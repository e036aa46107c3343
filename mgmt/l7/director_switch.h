// DirectorSwitch: the Director a proxy engine holds for one service, forwarding to the service's
// current ServiceDirector. A commit that changes only what the director decides (rules, pools,
// reals, weights, persistence, rewriting) installs a new ServiceDirector here instead of
// restarting the engine, so no client connection notices. Earlier directors stay alive until the
// engine stops (requests in flight finish on the one that routed them: the version travels in the
// top 16 bits of Endpoint::real_id).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include "mgmt/l7/service_director.h"

namespace vlb::mgmt::l7 {

class DirectorSwitch : public proxy::Director {
 public:
  static constexpr uint32_t kVersions = 1024;  // installs per engine; then the engine is rebuilt

  explicit DirectorSwitch(std::unique_ptr<ServiceDirector> first);

  // Control thread. False when all versions are used (the caller rebuilds the engine instead).
  bool install(std::unique_ptr<ServiceDirector> next);
  ServiceDirector& current() const { return *slots_[version_.load(std::memory_order_acquire)].load(); }
  uint32_t installs() const { return version_.load() + 1; }

  proxy::Decision route(const proxy::RequestInfo& request) override;
  void editResponse(const proxy::Decision& decision, const proxy::ResponseInfo& response,
                    proxy::HeaderEdits* edits) override;
  void onRequestStart(uint64_t real_id) override;
  void onRequestEnd(uint64_t real_id) override;
  void onUpstreamOpened(uint64_t real_id) override;
  void onUpstreamClosed(uint64_t real_id) override;

 private:
  ServiceDirector* of(uint64_t real_id) const {
    const uint64_t v = real_id >> 48;
    return v < kVersions ? slots_[v].load(std::memory_order_acquire) : nullptr;
  }

  std::array<std::atomic<ServiceDirector*>, kVersions> slots_{};
  std::atomic<uint32_t> version_{0};
  std::vector<std::unique_ptr<ServiceDirector>> owned_;  // control thread only
};

}  // namespace vlb::mgmt::l7
