// DirectorSwitch: versioned forwarding to the current ServiceDirector.
#include "mgmt/l7/director_switch.h"

namespace vlb::mgmt::l7 {

DirectorSwitch::DirectorSwitch(std::unique_ptr<ServiceDirector> first) {
  slots_[0].store(first.get());
  owned_.push_back(std::move(first));
}

bool DirectorSwitch::install(std::unique_ptr<ServiceDirector> next) {
  const uint32_t v = version_.load() + 1;
  if (v >= kVersions) return false;
  slots_[v].store(next.get(), std::memory_order_release);
  owned_.push_back(std::move(next));
  version_.store(v, std::memory_order_release);
  return true;
}

proxy::Decision DirectorSwitch::route(const proxy::RequestInfo& request) {
  const uint32_t v = version_.load(std::memory_order_acquire);
  proxy::Decision d = slots_[v].load(std::memory_order_acquire)->route(request);
  if (d.kind == proxy::Decision::Kind::kForward) d.upstream.real_id |= uint64_t(v) << 48;
  return d;
}

void DirectorSwitch::editResponse(const proxy::Decision& decision, const proxy::ResponseInfo& response,
                                  proxy::HeaderEdits* edits) {
  if (ServiceDirector* d = of(decision.upstream.real_id)) d->editResponse(decision, response, edits);
}

void DirectorSwitch::onRequestStart(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onRequestStart(real_id & ((uint64_t(1) << 48) - 1));
}

void DirectorSwitch::onRequestEnd(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onRequestEnd(real_id & ((uint64_t(1) << 48) - 1));
}

void DirectorSwitch::onUpstreamOpened(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onUpstreamOpened(real_id & ((uint64_t(1) << 48) - 1));
}

void DirectorSwitch::onUpstreamClosed(uint64_t real_id) {
  if (ServiceDirector* d = of(real_id)) d->onUpstreamClosed(real_id & ((uint64_t(1) << 48) - 1));
}

}  // namespace vlb::mgmt::l7
