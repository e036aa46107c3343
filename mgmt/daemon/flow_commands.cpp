// Looking at connections: `show flows [service NAME] [client ADDRESS] [real ADDRESS] [limit N]`
// lists the L4 connections the datapath tracks, and `test flow tcp|udp CLIENT:PORT -> VIP:PORT`
// says which service and real a connection would reach, and why. Both read the datapath's
// per-lcore tables while it runs: a snapshot, an entry may change while it is read.
#include <arpa/inet.h>

#include "datapath/sched/hash.h"
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/text.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

std::optional<uint32_t> ipv4Of(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

// "198.51.100.7:40000" → address and port.
std::optional<std::pair<uint32_t, uint16_t>> endpointOf(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto addr = ipv4Of(text.substr(0, colon));
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  if (!addr || port == 0 || port > 65535) return std::nullopt;
  return std::pair{*addr, uint16_t(port)};
}

std::string endpointText(uint32_t addr, uint16_t port) { return ipv4Text(addr) + ":" + std::to_string(port); }

const char* protoText(uint8_t p) { return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : "other"; }

}  // namespace

void Appliance::registerFlowCommands() {
  commands_.add("show flows", "L4 connections: show flows [service NAME] [client ADDRESS] [real ADDRESS] [limit N]",
                [this](const Words& a) -> Result<json> {
    std::string service;
    std::optional<uint32_t> client, real;
    size_t limit = 100;
    for (size_t i = 0; i < a.size(); i += 2) {
      if (i + 1 >= a.size()) return fail("show flows: \"" + a[i] + "\" needs a value");
      const std::string& k = a[i];
      const std::string& v = a[i + 1];
      if (k == "service") {
        service = v;
      } else if (k == "client" || k == "real") {
        auto addr = ipv4Of(v);
        if (!addr) return fail("show flows: " + k + " \"" + v + "\" is not an IPv4 address");
        (k == "client" ? client : real) = addr;
      } else if (k == "limit") {
        try { limit = std::stoul(v); } catch (...) { return fail("show flows: limit \"" + v + "\" is not a number"); }
      } else {
        return fail("show flows: unknown filter \"" + k + "\" (service, client, real, limit)");
      }
    }
    json flows = json::array();
    size_t matched = 0;
    for (size_t l = 0; l < engines_.size(); ++l) {
      const auto& table = engines_[l]->flows();
      for (uint32_t slot = 0; slot < table.entrySlots(); ++slot) {
        const dp::flow::FlowEntry e = table.entry(slot);  // a copy: the datapath may change it
        if (!e.inUse() || e.dir() != dp::flow::FlowDir::kOriginal) continue;
        if (!services_ || e.service >= services_->list.size()) continue;
        const std::string& name = services_->list[e.service].name;
        if (!service.empty() && name != service) continue;
        if (client && e.key.src != *client) continue;
        if (real && e.rewrite.dst != *real) continue;
        if (++matched > limit) continue;
        flows.push_back({{"lcore", worker_lcores_[l]}, {"service", name}, {"protocol", protoText(e.key.proto)},
                         {"client", endpointText(e.key.src, e.key.sport)},
                         {"vip", endpointText(e.key.dst, e.key.dport)},
                         {"source", endpointText(e.rewrite.src, e.rewrite.sport)},
                         {"real", endpointText(e.rewrite.dst, e.rewrite.dport)},
                         {"state", std::string(dp::flow::tcpStateName(e.tcp_state))}});
      }
    }
    return json{{"flows", flows}, {"matched", matched}, {"shown", flows.size()}};
  });

  commands_.add("test flow", "which real a connection would reach: test flow tcp|udp CLIENT:PORT -> VIP:PORT",
                [this](const Words& a) -> Result<json> {
    if (a.size() != 4 || a[2] != "->" || (a[0] != "tcp" && a[0] != "udp"))
      return fail("usage: test flow tcp|udp CLIENT:PORT -> VIP:PORT");
    const auto from = endpointOf(a[1]), to = endpointOf(a[3]);
    if (!from) return fail("test flow: \"" + a[1] + "\" is not ADDRESS:PORT");
    if (!to) return fail("test flow: \"" + a[3] + "\" is not ADDRESS:PORT");
    const uint8_t proto = a[0] == "tcp" ? 6 : 17;
    json out{{"flow", a[0] + " " + a[1] + " -> " + a[3]}};
    const uint16_t slot = services_ ? services_->classifier.lookup(to->first, proto, to->second)
                                    : dp::ServiceTable::kNone;
    if (slot == dp::ServiceTable::kNone) {
      out["service"] = nullptr;
      out["why"] = "no virtual service listens on " + a[3] + " (" + a[0] +
                   "): the datapath routes it as it is, or hands it to the kernel if the address is the appliance's";
      return out;
    }
    const dp::l4::Service& s = services_->list[slot];
    out["service"] = s.name;
    const auto key = dp::flow::FlowKey::make(from->first, to->first, from->second, to->second, proto);
    uint32_t owner = 0;
    if (engines_.size() > 1) {
      owner = uint32_t(dp::sched::hashSourceV4(from->first) * uint64_t(engines_.size()) >> 32);
      out["lcore"] = worker_lcores_[owner];
    }
    const auto& table = engines_[owner]->flows();
    const uint32_t existing = table.lookup(key);
    if (existing != dp::flow::FlowTable::kNoEntry) {
      const dp::flow::FlowEntry e = table.entry(existing);
      out["real"] = endpointText(e.rewrite.dst, e.rewrite.dport);
      out["why"] = "an established connection: it stays on its real";
      return out;
    }
    json eligible = json::array();
    for (uint32_t r = 0; r < s.reals.size(); ++r)
      if (s.scheduler->eligible(r)) eligible.push_back(s.scheduler->identity(r));
    out["scheduler"] = std::string(dp::sched::kindName(s.scheduler->kind()));
    out["eligible_reals"] = eligible;
    if (eligible.empty()) {
      out["real"] = nullptr;
      out["why"] = "no real takes new connections (down, disabled or drained): the client is refused";
      return out;
    }
    const auto kind = s.scheduler->kind();
    if (kind == dp::sched::Kind::kSh || kind == dp::sched::Kind::kMaglev) {
      const uint32_t prefix = from->first & s.persistence_mask;
      const dp::sched::FlowHashes hashes{dp::sched::hashSourceV4(prefix),
                                         dp::sched::hashFlowV4(key.src, key.dst, key.sport, key.dport, key.proto)};
      dp::sched::LcoreState scratch(uint32_t(s.reals.size()), 0);
      const auto r = dp::sched::pick(*s.scheduler, scratch, hashes);
      out["real"] = s.scheduler->identity(r);
      out["why"] = std::string("consistent hash (") + out["scheduler"].get<std::string>() + ") of the " +
                   (kind == dp::sched::Kind::kSh ? "client address" : "connection");
    } else {
      out["real"] = nullptr;
      out["why"] = "the next eligible real in the " + out["scheduler"].get<std::string>() +
                   " order of the lcore that takes the connection: one of eligible_reals";
    }
    if (s.persistence)
      out["persistence"] = "source: a client seen within the timeout goes back to its previous real";
    return out;
  });
}

}  // namespace vlb::mgmt
