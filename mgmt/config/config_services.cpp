// The "snat_pools" and "virtual_services" arrays: L4 virtual services with their reals.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <span>
#include <string>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr unsigned kMaxTimeout = 7 * 24 * 3600;

// "port": 443, "50000-59999" or "any".
void readServicePorts(FieldReader& r, VirtualService& vs) {
  const Json* v = r.field("port", Need::kRequired);
  if (!v) return;
  const char* why = " is not a port (expected 1-65535, a range \"50000-59999\" or \"any\")";
  if (v->is_number_unsigned()) {
    const uint64_t n = v->get<uint64_t>();
    if (n < 1 || n > 65535) return r.refuse("port", describe(*v) + why);
    vs.port_first = vs.port_last = uint16_t(n);
    return;
  }
  if (!v->is_string()) return r.refuse("port", describe(*v) + why);
  const std::string& s = v->get_ref<const std::string&>();
  if (s == "any") {
    vs.port_first = 1;
    vs.port_last = 65535;
    return;
  }
  const size_t dash = s.find('-');
  if (dash == std::string::npos || !parsePortNumber(std::string_view(s).substr(0, dash), vs.port_first) ||
      !parsePortNumber(std::string_view(s).substr(dash + 1), vs.port_last))
    return r.refuse("port", describe(*v) + why);
  if (vs.port_first >= vs.port_last)
    r.refuse("port", describe(*v) + " is not a range (the first port must be below the last)");
}

constexpr std::pair<std::string_view, Protocol> kProtocols[] = {{"tcp", Protocol::kTcp},
                                                                {"udp", Protocol::kUdp}};
constexpr std::pair<std::string_view, Scheduler> kSchedulers[] = {
    {"rr", Scheduler::kRr}, {"wrr", Scheduler::kWrr}, {"lc", Scheduler::kLc},
    {"wlc", Scheduler::kWlc}, {"sh", Scheduler::kSh}, {"maglev", Scheduler::kMaglev}};
constexpr std::pair<std::string_view, RealState> kRealStates[] = {
    {"enabled", RealState::kEnabled}, {"disabled", RealState::kDisabled}, {"drain", RealState::kDrain}};
constexpr std::pair<std::string_view, OnRealDown> kOnRealDown[] = {{"keep", OnRealDown::kKeep},
                                                                   {"reset", OnRealDown::kReset}};

void readPersistence(FieldReader& top, Persistence& out) {
  const Json* v = top.object("persistence", Need::kOptional);
  if (!v) return;
  FieldReader r(*v, top.where() + ": persistence");
  r.onlyFields({"mode", "prefix_length", "timeout_s"});
  std::string mode;
  r.text("mode", mode, Need::kRequired, [](std::string_view s) -> const char* {
    return s == "source-ip" ? nullptr : "is not a persistence mode (expected \"source-ip\")";
  });
  unsigned length = out.prefix_length;
  r.number("prefix_length", length, 0, 32, NumberRule::kRange);
  r.number("timeout_s", out.timeout_s, 1, kMaxTimeout, NumberRule::kRange);
  out.enabled = true;
  out.prefix_length = uint8_t(length);
  if (!r.ok()) top.adopt(fail(r.error()));
}

void readSnat(FieldReader& r, const std::vector<SnatPool>& pools, Snat& out) {
  std::string text;
  r.text("snat", text, Need::kOptional, nullptr);
  if (!r.ok() || text.empty() || text == "automap") return;
  if (text == "none") {
    out.mode = Snat::Mode::kNone;
    return;
  }
  const bool known = std::any_of(pools.begin(), pools.end(), [&](auto& p) { return p.name == text; });
  if (!known)
    return r.refuse("snat", quote(text) + " is not \"automap\", \"none\" or a name in snat_pools");
  out.mode = Snat::Mode::kPool;
  out.pool = text;
}

void readTcpProfile(FieldReader& top, const VirtualService& vs, TcpProfile& out) {
  const Json* v = top.object("tcp_profile", Need::kOptional);
  if (!v) return;
  if (vs.protocol != Protocol::kTcp)
    return top.refuse("tcp_profile", "applies to TCP services only");
  FieldReader r(*v, top.where() + ": tcp_profile");
  r.onlyFields({"loose_init", "loose_close"});
  r.boolean("loose_init", out.loose_init);
  r.boolean("loose_close", out.loose_close);
  if (!r.ok()) top.adopt(fail(r.error()));
}

// "state", or the older "enabled": false (drain); not both.
void readRealState(FieldReader& r, RealState& out) {
  bool enabled = true;
  r.boolean("enabled", enabled);
  if (!enabled) out = RealState::kDrain;
  if (r.field("enabled", Need::kOptional) && r.field("state", Need::kOptional))
    return r.refuse("enabled", "give either \"state\" or \"enabled\", not both");
  readChoice(r, "state", Need::kOptional, kRealStates, out);
}

void readReals(FieldReader& top, const VirtualService& vs, std::vector<Real>& out) {
  const Json* list = top.array("reals", Need::kOptional);
  if (!list) return;
  for (size_t i = 0; i < list->size() && top.ok(); ++i) {
    const std::string where = top.where() + ": reals[" + std::to_string(i) + "]";
    const Json& j = (*list)[i];
    if (!j.is_object()) return top.adopt(fail(where + ": " + describe(j) + " is not an object"));
    FieldReader r(j, where);
    r.onlyFields({"address", "port", "weight", "enabled", "state"});
    Real real;
    if (const Json* a = r.field("address", Need::kRequired)) readIpv4(r, "address", *a, real.address);
    unsigned port = 0;
    r.number("port", port, 1, 65535, NumberRule::kRange);
    real.port = uint16_t(port);
    r.number("weight", real.weight, 0, 65535, NumberRule::kRange);
    readRealState(r, real.state);
    real.enabled = real.state == RealState::kEnabled;
    if (r.ok() && real.port && vs.port_first != vs.port_last)
      r.refuse("port", "must be left out for a port range: the real gets the client's port");
    for (size_t k = 0; k < out.size() && r.ok(); ++k)
      if (out[k].address == real.address && out[k].port == real.port)
        r.refuse("address", real.address.text + (real.port ? ":" + std::to_string(real.port) : "") +
                                " is already reals[" + std::to_string(k) + "]");
    if (!r.ok()) return top.adopt(fail(r.error()));
    out.push_back(real);
  }
}

// A service against the self IPs and the services before it.
void checkService(FieldReader& r, const VirtualService& vs, const Config& cfg,
                  std::span<const VirtualService> before) {
  for (const Port& p : cfg.ports)
    for (const IpPrefix& a : p.addresses)
      if (a.address == vs.vip) r.refuse("vip", vs.vip.text + " is a self IP of port " + quote(p.name));
  for (size_t k = 0; k < before.size() && r.ok(); ++k) {
    const VirtualService& o = before[k];
    if (o.name == vs.name) r.refuse("name", quote(vs.name) + " is already virtual_services[" + std::to_string(k) + "]");
    if (o.vip == vs.vip && o.protocol == vs.protocol && o.port_first <= vs.port_last &&
        vs.port_first <= o.port_last)
      r.refuse("port", "overlaps virtual service " + quote(o.name) + " on " + vs.vip.text + " " +
                           std::string(protocolName(vs.protocol)));
  }
}

Status parseService(const Json& j, size_t index, const Config& cfg,
                    std::span<const VirtualService> before, VirtualService& out) {
  const std::string where = label("virtual_services", index, j);
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"name", "vip", "protocol", "port", "scheduler", "persistence", "snat",
                "idle_timeout_s", "tcp_profile", "on_real_down", "check", "minimum_up", "reals"});
  VirtualService vs;
  r.text("name", vs.name, Need::kRequired, checkObjectName);
  if (const Json* v = r.field("vip", Need::kRequired)) readIpv4(r, "vip", *v, vs.vip);
  readChoice(r, "protocol", Need::kRequired, kProtocols, vs.protocol);
  readServicePorts(r, vs);
  readChoice(r, "scheduler", Need::kOptional, kSchedulers, vs.scheduler);
  readPersistence(r, vs.persistence);
  readSnat(r, cfg.snat_pools, vs.snat);
  vs.idle_timeout_s = vs.protocol == Protocol::kTcp ? 1800 : 300;
  r.number("idle_timeout_s", vs.idle_timeout_s, 1, kMaxTimeout, NumberRule::kRange);
  readTcpProfile(r, vs, vs.tcp);
  readChoice(r, "on_real_down", Need::kOptional, kOnRealDown, vs.on_real_down);
  readHealthCheck(r, vs.check);
  r.number("minimum_up", vs.minimum_up, 0, 65535, NumberRule::kRange);
  readReals(r, vs, vs.reals);
  if (r.ok() && vs.minimum_up > vs.reals.size())
    r.refuse("minimum_up", std::to_string(vs.minimum_up) + " is more than the " +
                               std::to_string(vs.reals.size()) + " reals of the service");
  if (r.ok()) checkService(r, vs, cfg, before);
  if (!r.ok()) return fail(r.error());
  out = std::move(vs);
  return Ok{};
}

Status parsePool(const Json& j, size_t index, std::span<const SnatPool> before, SnatPool& out) {
  const std::string where = label("snat_pools", index, j);
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"name", "addresses"});
  SnatPool pool;
  r.text("name", pool.name, Need::kRequired, checkObjectName);
  const Json* list = r.array("addresses", Need::kRequired);
  if (list && list->empty()) r.refuse("addresses", "the list is empty");
  for (size_t i = 0; list && i < list->size() && r.ok(); ++i) {
    const std::string field = "addresses[" + std::to_string(i) + "]";
    IpAddress a;
    if (!readIpv4(r, field, (*list)[i], a)) break;
    for (const SnatPool& p : before)
      for (const IpAddress& b : p.addresses)
        if (b == a) r.refuse(field, a.text + " is already in SNAT pool " + quote(p.name));
    for (const IpAddress& b : pool.addresses)
      if (b == a) r.refuse(field, a.text + " appears twice");
    pool.addresses.push_back(a);
  }
  for (const SnatPool& p : before)
    if (p.name == pool.name) r.refuse("name", quote(pool.name) + " is already used by another pool");
  if (!r.ok()) return fail(r.error());
  out = std::move(pool);
  return Ok{};
}

}  // namespace

Status parseSnatPools(const Json& list, std::vector<SnatPool>& out) {
  std::vector<SnatPool> pools(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (Status s = parsePool(list[i], i, {pools.data(), i}, pools[i]); !s) return s;
  out = std::move(pools);
  return Ok{};
}

Status parseVirtualServices(const Json& list, const Config& cfg, std::vector<VirtualService>& out) {
  std::vector<VirtualService> services(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (Status s = parseService(list[i], i, cfg, {services.data(), i}, services[i]); !s) return s;
  out = std::move(services);
  return Ok{};
}

}  // namespace vlb::config::detail
