// DirectorSwitch: versioned forwarding to the current ServiceDirector, and connection counts that
// follow it.
#include "mgmt/l7/director_switch.h"

#include <mutex>

namespace vlb::mgmt::l7 {
namespace {

constexpr uint64_t kLocalIdMask = (uint64_t(1) << 48) - 1;

}  // namespace

DirectorSwitch::DirectorSwitch(std::unique_ptr<ServiceDirector> first) {
  slots_[0].store(first.get());
  mapVersion(*first);
  owned_.push_back(std::move(first));
}

bool DirectorSwitch::install(std::unique_ptr<ServiceDirector> next) {
  const uint32_t v = version_.load() + 1;
  if (v >= kVersions) return false;
  std::unique_lock lock(accounting_mu_);
  mapVersion(*next);
  // The new director starts from the connections open now (busy, or idle in the engine's pools),
  // whichever version opened them.
  for (size_t c = 0; c < connections_.size(); ++c) {
    if (current_real_of_counter_[c] == kAbsent) continue;
    for (int64_t n = connections_[c].load(std::memory_order_relaxed); n > 0; --n)
      next->onUpstreamOpened(current_real_of_counter_[c]);
  }
  slots_[v].store(next.get(), std::memory_order_release);
  owned_.push_back(std::move(next));
  version_.store(v, std::memory_order_release);
  return true;
}

void DirectorSwitch::mapVersion(ServiceDirector& d) {
  std::vector<std::vector<uint32_t>> counters;
  current_real_of_counter_.assign(connections_.size(), kAbsent);
  const auto& pools = d.pools();
  for (size_t pi = 0; pi < pools.size(); ++pi) {
    counters.emplace_back();
    for (size_t ri = 0; ri < pools[pi].reals.size(); ++ri) {
      auto [it, added] = counter_of_.try_emplace({pools[pi].name, pools[pi].reals[ri].identity},
                                                 uint32_t(connections_.size()));
      if (added) {
        connections_.emplace_back(0);
        current_real_of_counter_.push_back(kAbsent);
      }
      counters.back().push_back(it->second);
      current_real_of_counter_[it->second] = (uint64_t(pi) << 32) | ri;
    }
  }
  counter_of_version_.push_back(std::move(counters));
  accounting_ = &d;
}

int64_t DirectorSwitch::openConnections(const std::string& pool,
                                        const std::string& identity) const {
  std::shared_lock lock(accounting_mu_);
  auto it = counter_of_.find({pool, identity});
  return it == counter_of_.end() ? 0 : connections_[it->second].load(std::memory_order_relaxed);
}

proxy::Decision DirectorSwitch::route(const proxy::RequestInfo& request) {
  const uint32_t v = version_.load(std::memory_order_acquire);
  proxy::Decision d = slots_[v].load(std::memory_order_acquire)->route(request);
  if (d.kind == proxy::Decision::Kind::kForward) d.upstream.real_id |= uint64_t(v) << 48;
  return d;
}

void DirectorSwitch::editResponse(const proxy::Decision& decision,
                                  const proxy::ResponseInfo& response, proxy::HeaderEdits* edits) {
  if (ServiceDirector* d = of(decision.upstream.real_id))
    d->editResponse(decision, response, edits);
}

void DirectorSwitch::onRequestStart(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onRequestStart(real_id & kLocalIdMask);
}

void DirectorSwitch::onRequestEnd(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onRequestEnd(real_id & kLocalIdMask);
}

void DirectorSwitch::onUpstreamOpened(uint64_t real_id) { countConnection(real_id, true); }

void DirectorSwitch::onUpstreamClosed(uint64_t real_id) { countConnection(real_id, false); }

// Counted on the (pool, identity) counter and on the current director's pool, whichever version
// routed the request that opened the connection.
void DirectorSwitch::countConnection(uint64_t real_id, bool opened) {
  std::shared_lock lock(accounting_mu_);
  const uint64_t v = real_id >> 48;
  const uint64_t pi = (real_id >> 32) & 0xffff;
  const uint64_t ri = real_id & 0xffffffff;
  if (v >= counter_of_version_.size()) return;
  const auto& pools = counter_of_version_[v];
  if (pi >= pools.size() || ri >= pools[pi].size()) return;
  const uint32_t c = pools[pi][ri];
  connections_[c].fetch_add(opened ? 1 : -1, std::memory_order_relaxed);
  const uint64_t now_id = current_real_of_counter_[c];
  if (now_id == kAbsent) return;
  if (opened)
    accounting_->onUpstreamOpened(now_id);
  else
    accounting_->onUpstreamClosed(now_id);
}

}  // namespace vlb::mgmt::l7
