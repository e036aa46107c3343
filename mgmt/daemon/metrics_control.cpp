// Prometheus metrics on the management address (control.metrics_address:metrics_port): the
// datapath's per-port and per-drop-reason counters, per L4 service and real, lcore busy ratio,
// real-server check states, and what the L7 runtime adds. Names vlb_*, base units, counters end
// in _total; no client addresses as labels.
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/daemon/text.h"
#include "mgmt/l7/l7_runtime.h"
#include "l7/proxy/counters.h"

namespace vlb::mgmt {
namespace {

// One value per direction, labelled direction="in" and "out" after `labels`.
void addInOut(metrics::Family& family, metrics::Labels labels, uint64_t in, uint64_t out) {
  labels.push_back({"direction", "in"});
  family.add(labels, in);
  labels.back().second = "out";
  family.add(labels, out);
}

}  // namespace

Status Appliance::startMetrics() {
  if (!cfg_.control.metrics_address) return Ok{};
  metrics_ = std::make_unique<metrics::MetricsServer>(
      loop_, [this](metrics::MetricsPage& page) { fillMetrics(page); });
  return metrics_->listen(cfg_.control.metrics_address->text, cfg_.control.metrics_port);
}

void Appliance::fillMetrics(metrics::MetricsPage& page) {
  auto& rx_packets = page.counter("port_rx_packets", "Packets received by a datapath port");
  auto& rx_bytes = page.counter("port_rx_bytes", "Bytes received by a datapath port");
  auto& tx_packets = page.counter("port_tx_packets", "Packets sent by a datapath port");
  auto& tx_bytes = page.counter("port_tx_bytes", "Bytes sent by a datapath port");
  auto& forwarded = page.counter("port_forwarded_packets", "Packets routed or translated by the datapath");
  auto& punted = page.counter("port_punted_packets", "Packets handed to the kernel twin");
  auto& drops = page.counter("port_dropped_packets", "Packets dropped by the datapath, by reason");
  for (size_t p = 0; p < ports_.size(); ++p) {
    const auto c = portCounters(p);
    const metrics::Labels port{{"port", cfg_.ports[p].name}};
    rx_packets.add(port, c.rx_packets);
    rx_bytes.add(port, c.rx_bytes);
    tx_packets.add(port, c.tx_packets);
    tx_bytes.add(port, c.tx_bytes);
    forwarded.add(port, c.forwarded);
    punted.add(port, c.punted);
    for (size_t r = 1; r < c.drops.size(); ++r)
      drops.add({{"port", cfg_.ports[p].name}, {"reason", std::string(dp::dropReasonName(dp::DropReason(r)))}},
                c.drops[r]);
  }

  auto& polls = page.counter("lcore_polls", "Polls of a datapath lcore");
  auto& busy = page.counter("lcore_busy_polls", "Polls of a datapath lcore that found packets");
  auto& ratio = page.gauge("lcore_busy_ratio", "Share of busy polls since the previous scrape");
  for (size_t i = 0; i < workers_.size(); ++i) {
    const metrics::Labels lcore{{"lcore", std::to_string(worker_lcores_[i])}};
    const uint64_t p = workers_[i]->polls(), b = workers_[i]->busyPolls();
    polls.add(lcore, p);
    busy.add(lcore, b);
    if (last_polls_.size() <= i) last_polls_.resize(i + 1, {0, 0});
    const auto [p0, b0] = last_polls_[i];
    ratio.add(lcore, p > p0 ? double(b - b0) / double(p - p0) : 0.0);
    last_polls_[i] = {p, b};
  }

  auto& svc_packets = page.counter("service_packets", "Packets of an L4 virtual service, by direction");
  auto& svc_bytes = page.counter("service_bytes", "Bytes of an L4 virtual service, by direction");
  auto& svc_conns = page.counter("service_connections", "Connections opened by an L4 virtual service");
  auto& svc_active = page.gauge("service_active_connections", "Open connections of an L4 virtual service");
  auto& svc_refused = page.counter("service_refused_connections", "New connections refused: no real up");
  auto& real_conns = page.counter("real_connections", "Connections sent to a real server");
  auto& real_active = page.gauge("real_active_connections", "Open connections to a real server");
  auto& real_bytes = page.counter("real_bytes", "Bytes to and from a real server, by direction");
  for (size_t i = 0; services_ && i < services_->list.size(); ++i) {
    const dp::l4::Service& s = services_->list[i];
    if (s.removed) continue;
    const dp::l4::ServiceTotals t = serviceTotals(i);
    addInOut(svc_packets, {{"service", s.name}}, t.packets_in, t.packets_out);
    addInOut(svc_bytes, {{"service", s.name}}, t.bytes_in, t.bytes_out);
    svc_conns.add({{"service", s.name}}, t.opened);
    svc_active.add({{"service", s.name}}, t.opened - t.closed);
    svc_refused.add({{"service", s.name}}, t.refused);
    for (size_t r = 0; r < s.reals.size(); ++r) {
      if (s.reals[r].removed) continue;
      const dp::l4::RealTotals rt = realTotals(i, r);
      const std::string real = s.scheduler->identity(uint32_t(r));
      real_conns.add({{"service", s.name}, {"real", real}}, rt.opened);
      real_active.add({{"service", s.name}, {"real", real}}, rt.opened - rt.closed);
      addInOut(real_bytes, {{"service", s.name}, {"real", real}}, rt.bytes_in, rt.bytes_out);
    }
  }

  // Static NATs (by public address, an appliance address) and forwarding services.
  auto& nat_packets = page.counter("static_nat_packets", "Packets of a static NAT: in to the public address, out from the private one");
  auto& nat_bytes = page.counter("static_nat_bytes", "Bytes of a static NAT, by direction");
  auto& fwd_packets = page.counter("forwarding_packets", "Packets of a forwarding service: out from its source network, in back to it");
  auto& fwd_bytes = page.counter("forwarding_bytes", "Bytes of a forwarding service, by direction");
  auto& fwd_conns = page.counter("forwarding_connections", "Connections a forwarding service with SNAT tracked");
  auto& fwd_active = page.gauge("forwarding_active_connections", "Open connections of a forwarding service with SNAT");
  auto sum = [this](auto counters_of) {
    dp::l4::NatTotals t;
    for (const auto& e : engines_) t.accumulate(counters_of(*e));
    return t;
  };
  for (size_t i = 0; services_ && i < services_->static_nats.size(); ++i) {
    const dp::l4::StaticNat& n = services_->static_nats[i];
    if (n.removed) continue;
    const auto t = sum([&n](const dp::l4::Engine& e) -> const dp::l4::NatCounters& { return e.staticNat(n.slot); });
    const std::string pub = ipv4Text(n.public_addr);
    addInOut(nat_packets, {{"public", pub}}, t.packets_in, t.packets_out);
    addInOut(nat_bytes, {{"public", pub}}, t.bytes_in, t.bytes_out);
  }
  for (size_t i = 0; services_ && i < services_->forwarding.size(); ++i) {
    const dp::l4::Forwarding& f = services_->forwarding[i];
    if (f.removed) continue;
    const auto t = sum([i](const dp::l4::Engine& e) -> const dp::l4::NatCounters& { return e.forwarding(i); });
    addInOut(fwd_packets, {{"service", f.name}}, t.packets_in, t.packets_out);
    addInOut(fwd_bytes, {{"service", f.name}}, t.bytes_in, t.bytes_out);
    fwd_conns.add({{"service", f.name}}, t.opened);
    fwd_active.add({{"service", f.name}}, t.opened - t.closed);
  }

  // L7 services: requests, responses by class, bytes, connections, and the request latency.
  if (l7_) {
    auto& requests = page.counter("l7_requests", "HTTP requests received by an L7 service");
    auto& responses = page.counter("l7_responses", "HTTP responses of an L7 service, by status class");
    auto& bytes = page.counter("l7_bytes", "Bytes of an L7 service, by direction");
    auto& active = page.gauge("l7_active_connections", "Open client connections of an L7 service");
    auto& bad = page.counter("l7_bad_requests", "Requests refused as malformed (400, 413, 431…)");
    std::vector<double> bounds;
    for (unsigned i = 0; i + 1 < ::vlb::l7::proxy::LatencyHistogram::kBuckets; ++i)
      bounds.push_back(::vlb::l7::proxy::LatencyHistogram::upperBoundSeconds(i));
    auto& latency = page.histogram("l7_request_duration_seconds", "Time from request to response end", bounds);
    static const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    for (const auto& svc : cfg_.l7_services) {
      const auto* c = l7_->counters(svc.name);
      if (!c) continue;
      const metrics::Labels l{{"service", svc.name}};
      requests.add(l, c->requests.load());
      for (unsigned k = 0; k < 6; ++k)
        responses.add({{"service", svc.name}, {"class", kClasses[k]}}, c->responses[k].load());
      addInOut(bytes, {{"service", svc.name}}, c->bytes_in.load(), c->bytes_out.load());
      active.add(l, c->active_connections.load());
      bad.add(l, c->bad_requests.load());
      metrics::HistogramData h(bounds);
      for (unsigned i = 0; i < ::vlb::l7::proxy::LatencyHistogram::kBuckets; ++i)
        h.counts[i] = c->latency.bucket(i);
      h.sum = double(c->latency.sumMicros()) / 1e6;
      latency.add(l, h);
    }
  }

  if (checker_) {
    auto& up = page.gauge("real_up", "1 when a real server's checks say it is up (or not yet known)");
    auto& checks = page.counter("real_checks", "Checks run against a real server");
    auto& failed = page.counter("real_failed_checks", "Checks of a real server that failed");
    for (const auto& v : checker_->snapshot()) {
      const metrics::Labels l{{"service", v.real.service},
                              {"real", ipv4Text(v.real.address) + ":" + std::to_string(v.real.port)}};
      up.add(l, int(v.state == health::HealthState::kUp || v.state == health::HealthState::kUnknown));
      checks.add(l, v.checks);
      failed.add(l, v.failed_checks);
    }
  }
}

}  // namespace vlb::mgmt
