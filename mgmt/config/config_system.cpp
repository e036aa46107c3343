// The "system", "certificates", "static_nats" and "forwarding_services" objects.
#include <arpa/inet.h>

#include <algorithm>
#include <span>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr size_t kMaxDnsServers = 3;  // what resolv.conf uses

// On the subnet of a port's or a VLAN's self IP (and not that self IP).
bool onAPortSubnet(const Config& cfg, const IpAddress& a) {
  auto on = [&a](const std::vector<IpPrefix>& selves) {
    return std::any_of(selves.begin(), selves.end(), [&a](const IpPrefix& self) {
      return prefixContains(self, a) && !(self.address == a);
    });
  };
  return std::any_of(cfg.ports.begin(), cfg.ports.end(), [&](const Port& p) { return on(p.addresses); }) ||
         std::any_of(cfg.vlans.begin(), cfg.vlans.end(), [&](const Vlan& v) { return on(v.addresses); });
}

const char* selfIpOwner(const Config& cfg, const IpAddress& a) {
  for (const Port& p : cfg.ports)
    for (const IpPrefix& self : p.addresses)
      if (self.address == a) return p.name.c_str();
  return nullptr;
}

Status parseCertificate(const Json& j, size_t index, std::span<const Certificate> before,
                        Certificate& out) {
  const std::string where = label("certificates", index, j);
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"name", "cert_file", "key_file", "chain_file", "pfx_file", "password"});
  Certificate c;
  r.text("name", c.name, Need::kRequired, checkObjectName);
  for (const auto& [field, value] : {std::pair<const char*, std::string*>{"cert_file", &c.cert_file},
                                     {"key_file", &c.key_file}, {"chain_file", &c.chain_file},
                                     {"pfx_file", &c.pfx_file}})
    r.text(field, *value, Need::kOptional, checkAbsolutePath);
  r.text("password", c.password, Need::kOptional, nullptr);
  if (r.ok()) {
    const bool pem = !c.cert_file.empty() || !c.key_file.empty() || !c.chain_file.empty();
    if (pem && !c.pfx_file.empty())
      r.refuseObject("give either cert_file and key_file (PEM) or pfx_file (PKCS#12), not both");
    else if (!pem && c.pfx_file.empty())
      r.refuseObject("missing field \"cert_file\" and \"key_file\" (PEM) or \"pfx_file\" (PKCS#12)");
    else if (pem && c.cert_file.empty())
      r.refuseObject("missing field \"cert_file\"");
    else if (pem && c.key_file.empty())
      r.refuseObject("missing field \"key_file\"");
    else if (pem && r.field("password", Need::kOptional))
      r.refuse("password", "applies to pfx_file only (PEM keys must not be encrypted)");
  }
  for (size_t k = 0; k < before.size() && r.ok(); ++k)
    if (before[k].name == c.name)
      r.refuse("name", quote(c.name) + " is already certificates[" + std::to_string(k) + "]");
  if (!r.ok()) return fail(r.error());
  out = std::move(c);
  return Ok{};
}

// A VIP of an L4 or L7 service equal to `a`, named for messages; empty when none.
std::string serviceOwning(const Config& cfg, const IpAddress& a) {
  for (const VirtualService& vs : cfg.virtual_services)
    if (vs.vip == a) return "virtual service " + quote(vs.name);
  for (const L7Service& s : cfg.l7_services)
    if (s.address == a) return "l7 service " + quote(s.name);
  return {};
}

Status parseStaticNat(const Json& j, size_t index, const Config& cfg,
                      std::span<const StaticNat> before, StaticNat& out) {
  std::string where = "static_nats[" + std::to_string(index) + "]";
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"public", "private"});
  StaticNat n;
  readIpv4Field(r, "public", Need::kRequired, n.public_address);
  readIpv4Field(r, "private", Need::kRequired, n.private_address);
  if (!r.ok()) return fail(r.error());
  if (const char* port = selfIpOwner(cfg, n.public_address))
    r.refuse("public", n.public_address.text + " is a self IP of port " + quote(port));
  if (std::string owner = serviceOwning(cfg, n.public_address); !owner.empty())
    r.refuse("public", n.public_address.text + " is the address of " + owner);
  if (const char* port = selfIpOwner(cfg, n.private_address))
    r.refuse("private", n.private_address.text + " is a self IP of port " + quote(port));
  for (size_t k = 0; k < before.size() && r.ok(); ++k) {
    const std::string other = " is already static_nats[" + std::to_string(k) + "]";
    if (before[k].public_address == n.public_address)
      r.refuse("public", n.public_address.text + other);
    if (before[k].private_address == n.private_address)
      r.refuse("private", n.private_address.text + other);
  }
  if (!r.ok()) return fail(r.error());
  out = std::move(n);
  return Ok{};
}

Status parseForwarding(const Json& j, size_t index, const Config& cfg,
                       std::span<const ForwardingService> before, ForwardingService& out) {
  const std::string where = label("forwarding_services", index, j);
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"name", "source", "snat"});
  ForwardingService f;
  r.text("name", f.name, Need::kRequired, checkObjectName);
  if (readPrefixField(r, "source", Need::kRequired, f.source) && f.source.address.family != AF_INET)
    r.refuse("source", f.source.text + " is IPv6; forwarding services are IPv4 for now");
  std::string snat = "automap";
  r.text("snat", snat, Need::kOptional, nullptr);
  if (r.ok() && snat == "none") {
    f.snat = ForwardingService::Snat::kNone;
  } else if (r.ok() && snat != "automap") {
    bool known = std::any_of(cfg.snat_pools.begin(), cfg.snat_pools.end(),
                             [&](const SnatPool& p) { return p.name == snat; });
    if (!known) r.refuse("snat", quote(snat) + " is not \"automap\", \"none\" or a name in snat_pools");
    f.snat = ForwardingService::Snat::kPool;
    f.snat_pool = snat;
  }
  for (size_t k = 0; k < before.size() && r.ok(); ++k) {
    if (before[k].name == f.name)
      r.refuse("name", quote(f.name) + " is already forwarding_services[" + std::to_string(k) + "]");
    if (before[k].source.length == f.source.length && prefixContains(before[k].source, f.source.address))
      r.refuse("source", f.source.text + " is the same network as forwarding service " +
                             quote(before[k].name));
  }
  if (!r.ok()) return fail(r.error());
  out = std::move(f);
  return Ok{};
}

template <typename T, typename ParseOne>
Status parseList(const Json& list, std::vector<T>& out, ParseOne&& parseOne) {
  std::vector<T> items(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (Status s = parseOne(list[i], i, std::span<const T>(items.data(), i), items[i]); !s) return s;
  out = std::move(items);
  return Ok{};
}

}  // namespace

Status parseSystem(const Json& object, SystemOptions& out) {
  FieldReader r(object, "system");
  r.onlyFields({"hostname", "dns_servers", "default_gateway"});
  r.text("hostname", out.hostname, Need::kOptional, checkHostname);
  const Json* dns = r.array("dns_servers", Need::kOptional);
  if (dns && dns->size() > kMaxDnsServers)
    r.refuse("dns_servers", "has " + std::to_string(dns->size()) + " servers (at most 3)");
  for (size_t i = 0; dns && i < dns->size() && r.ok(); ++i) {
    const std::string field = "dns_servers[" + std::to_string(i) + "]";
    const Json& item = (*dns)[i];
    if (!item.is_string()) return fail("system: field " + quote(field) + ": " + describe(item) + " is not a string");
    auto a = parseIpAddress(item.get_ref<const std::string&>());
    if (!a) r.refuse(field, a.error());
    else out.dns_servers.push_back(*a);
  }
  if (const Json* gw = r.field("default_gateway", Need::kOptional)) {
    auto a = gw->is_string() ? parseIpAddress(gw->get_ref<const std::string&>())
                             : Result<IpAddress>(fail(describe(*gw) + " is not a string"));
    if (!a) r.refuse("default_gateway", a.error());
    else out.default_gateway = *a;
  }
  if (!r.ok()) return fail(r.error());
  return Ok{};
}

// The gateway against the ports and routes: it must be reachable and not duplicate a route.
Status checkSystem(const Config& cfg) {
  if (!cfg.system.default_gateway) return Ok{};
  const IpAddress& gw = *cfg.system.default_gateway;
  const std::string field = "system: field \"default_gateway\": ";
  if (!onAPortSubnet(cfg, gw)) return fail(field + gw.text + " is not on any port's subnet");
  for (size_t i = 0; i < cfg.routes.size(); ++i)
    if (cfg.routes[i].destination.length == 0 && cfg.routes[i].destination.address.family == gw.family)
      return fail(field + gw.text + " conflicts with routes[" + std::to_string(i) + "] (" +
                  cfg.routes[i].destination.text + "): give the default route once");
  return Ok{};
}

Status parseCertificates(const Json& list, std::vector<Certificate>& out) {
  return parseList(list, out, parseCertificate);
}

Status parseStaticNats(const Json& list, const Config& cfg, std::vector<StaticNat>& out) {
  return parseList(list, out, [&cfg](const Json& j, size_t i, auto before, StaticNat& n) {
    return parseStaticNat(j, i, cfg, before, n);
  });
}

Status parseForwardingServices(const Json& list, const Config& cfg,
                               std::vector<ForwardingService>& out) {
  return parseList(list, out, [&cfg](const Json& j, size_t i, auto before, ForwardingService& f) {
    return parseForwarding(j, i, cfg, before, f);
  });
}

}  // namespace vlb::config::detail
