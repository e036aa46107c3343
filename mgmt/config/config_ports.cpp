// The "ports" and "routes" arrays: each element on its own, then against the ones before it,
// so the first error reported is the first one in the file.
#include <arpa/inet.h>

#include <algorithm>
#include <span>
#include <string>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

const char* checkInterfaceName(std::string_view s) {
  bool good =
      !s.empty() && s.size() <= kMaxInterfaceName && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (!good) return "is not a valid interface name (1 to 15 of a-z, 0-9, _ and -)";
  if (s == "lo") return "is the kernel's loopback interface";
  return nullptr;
}

const char* checkRole(std::string_view s) {
  if (s == "external" || s == "internal" || s == "dmz") return nullptr;
  return "is not a role (expected \"external\", \"internal\" or \"dmz\")";
}

const char* checkDevargs(std::string_view s) {
  if (!s.empty()) return nullptr;
  return "is empty (expected a PCI address or a vdev, e.g. \"net_af_packet0,iface=eth1\")";
}

PortRole toRole(std::string_view s) {
  if (s == "internal") return PortRole::kInternal;
  if (s == "dmz") return PortRole::kDmz;
  return PortRole::kExternal;
}

// The device part of devargs: "net_af_packet0" of "net_af_packet0,iface=ext0".
std::string_view deviceOf(std::string_view devargs) { return devargs.substr(0, devargs.find(',')); }

// The kernel interface a vdev opens ("iface=ext0"), or empty.
std::string_view ifaceOf(std::string_view devargs) {
  size_t at = devargs.find(',');
  while (at != std::string_view::npos) {
    std::string_view rest = devargs.substr(at + 1);
    size_t end = rest.find(',');
    std::string_view arg = rest.substr(0, end);
    if (arg.substr(0, 6) == "iface=") return arg.substr(6);
    at = end == std::string_view::npos ? end : at + 1 + end;
  }
  return {};
}

std::string portLabel(size_t index, const Json& port) {
  std::string label = "ports[" + std::to_string(index) + "]";
  auto name = port.find("name");
  if (name != port.end() && name->is_string() &&
      checkInterfaceName(name->get_ref<const std::string&>()) == nullptr) {
    label += " " + quote(name->get_ref<const std::string&>());
  }
  return label;
}

void readAddresses(FieldReader& r, std::vector<IpPrefix>& out) {
  const Json* list = r.array("addresses", Need::kOptional);
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size() && r.ok(); ++i) {
    std::string field = "addresses[" + std::to_string(i) + "]";
    const Json& item = (*list)[i];
    if (!item.is_string()) return r.refuse(field, describe(item) + " is not a string");
    Result<IpPrefix> prefix = parseIpPrefix(item.get_ref<const std::string&>());
    if (!prefix) return r.refuse(field, prefix.error());
    out.push_back(*prefix);
  }
}

// A port against the ports before it (and its own addresses against each other).
void checkUnique(FieldReader& r, const Port& p, bool twin_given, std::span<const Port> before) {
  for (size_t j = 0; j < before.size(); ++j) {
    if (before[j].name == p.name) {
      r.refuse("name", quote(p.name) + " is already used by ports[" + std::to_string(j) + "]");
    }
  }
  for (const Port& q : before) {
    if (q.devargs == p.devargs) {
      r.refuse("devargs", quote(p.devargs) + " is already used by port " + quote(q.name));
    } else if (deviceOf(q.devargs) == deviceOf(p.devargs)) {
      r.refuse("devargs", quote(p.devargs) + " names device " + quote(deviceOf(p.devargs)) +
                              ", already used by port " + quote(q.name));
    }
  }
  for (const Port& q : before) {
    if (q.twin != p.twin) continue;
    if (twin_given) {
      r.refuse("twin", quote(p.twin) + " is already the twin of port " + quote(q.name));
    } else {
      r.refuse("name", quote(p.twin) + " (the default twin name) is already the twin of port " +
                           quote(q.name));
    }
  }
  for (size_t k = 0; k < p.addresses.size(); ++k) {
    const IpAddress& a = p.addresses[k].address;
    std::string field = "addresses[" + std::to_string(k) + "]";
    for (const Port& q : before) {
      for (const IpPrefix& b : q.addresses) {
        if (b.address == a) r.refuse(field, a.text + " is already used by port " + quote(q.name));
      }
    }
    for (size_t m = 0; m < k; ++m) {
      if (p.addresses[m].address == a) {
        r.refuse(field, a.text + " is already addresses[" + std::to_string(m) + "]");
      }
    }
  }
}

Status parsePort(const Json& j, size_t index, std::span<const Port> before, Port& out,
                 bool& twin_given) {
  std::string label = portLabel(index, j);
  if (!j.is_object()) return fail(label + ": " + describe(j) + " is not an object");
  FieldReader r(j, label);
  r.onlyFields(
      {"name", "role", "devargs", "twin", "addresses", "mtu", "rx_descriptors", "tx_descriptors"});
  Port p;
  std::string role;
  r.text("name", p.name, Need::kRequired, checkInterfaceName);
  r.text("role", role, Need::kRequired, checkRole);
  r.text("devargs", p.devargs, Need::kRequired, checkDevargs);
  r.text("twin", p.twin, Need::kOptional, checkInterfaceName);
  readAddresses(r, p.addresses);
  r.number("mtu", p.mtu, 576, 9000, NumberRule::kRange);
  r.number("rx_descriptors", p.rx_descriptors, 64, 16384, NumberRule::kPowerOfTwo);
  r.number("tx_descriptors", p.tx_descriptors, 64, 16384, NumberRule::kPowerOfTwo);
  twin_given = !p.twin.empty();
  if (!twin_given) p.twin = p.name;
  p.role = toRole(role);
  if (r.ok()) checkUnique(r, p, twin_given, before);
  if (!r.ok()) return fail(r.error());
  out = std::move(p);
  return Ok{};
}

// A twin may not take the name of an interface a vdev opens (the lab's veths ext0, int0).
Status checkTwinsAgainstIfaces(const Json& list, const std::vector<Port>& ports,
                               const std::vector<bool>& twin_given) {
  for (size_t i = 0; i < ports.size(); ++i) {
    for (const Port& q : ports) {
      if (ports[i].twin != ifaceOf(q.devargs)) continue;
      FieldReader r(list[i], portLabel(i, list[i]));
      std::string why = quote(ports[i].twin) + (twin_given[i] ? "" : " (the default twin name)") +
                        " is the kernel interface that port " + quote(q.name) + " opens";
      r.refuse(twin_given[i] ? "twin" : "name", why);
      return fail(r.error());
    }
  }
  return Ok{};
}

Status parseRoute(const Json& j, size_t index, const std::vector<Port>& ports,
                  std::span<const Route> before, Route& out) {
  std::string label = "routes[" + std::to_string(index) + "]";
  if (!j.is_object()) return fail(label + ": " + describe(j) + " is not an object");
  FieldReader r(j, label);
  r.onlyFields({"destination", "gateway"});
  std::string destination, gateway;
  r.text("destination", destination, Need::kRequired, nullptr);
  r.text("gateway", gateway, Need::kRequired, nullptr);
  if (!r.ok()) return fail(r.error());
  Result<IpPrefix> dst = parseIpPrefix(destination);
  if (!dst) r.refuse("destination", dst.error());
  Result<IpAddress> gw = parseIpAddress(gateway);
  if (!gw) r.refuse("gateway", gw.error());
  if (!r.ok()) return fail(r.error());
  auto family = [](int f) { return f == AF_INET ? std::string("IPv4") : std::string("IPv6"); };
  if (gw->family != dst->address.family) {
    r.refuse("gateway", gw->text + " is " + family(gw->family) + " but destination " + dst->text +
                            " is " + family(dst->address.family));
  }
  const Port* on_subnet = nullptr;
  for (const Port& p : ports) {
    for (const IpPrefix& a : p.addresses) {
      if (a.address == *gw)
        r.refuse("gateway", gw->text + " is a self IP of port " + quote(p.name));
      if (prefixContains(a, *gw)) on_subnet = &p;
    }
  }
  if (on_subnet == nullptr) r.refuse("gateway", gw->text + " is not on any port's subnet");
  for (size_t k = 0; k < before.size(); ++k) {
    const IpPrefix& b = before[k].destination;
    if (b.length == dst->length && prefixContains(b, dst->address)) {
      r.refuse("destination",
               dst->text + " is already routed by routes[" + std::to_string(k) + "]");
    }
  }
  if (!r.ok()) return fail(r.error());
  out = Route{*dst, *gw};
  return Ok{};
}

}  // namespace

Status parsePorts(const Json& list, std::vector<Port>& out) {
  if (list.empty()) return fail("field \"ports\": the list is empty (at least one port is needed)");
  std::vector<Port> ports(list.size());
  std::vector<bool> twin_given(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    bool given = false;
    if (Status s = parsePort(list[i], i, {ports.data(), i}, ports[i], given); !s) return s;
    twin_given[i] = given;
  }
  if (Status s = checkTwinsAgainstIfaces(list, ports, twin_given); !s) return s;
  out = std::move(ports);
  return Ok{};
}

Status parseRoutes(const Json& list, const std::vector<Port>& ports, std::vector<Route>& out) {
  std::vector<Route> routes(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    if (Status s = parseRoute(list[i], i, ports, {routes.data(), i}, routes[i]); !s) return s;
  }
  out = std::move(routes);
  return Ok{};
}

}  // namespace vlb::config::detail
