// The "vlans" array: 802.1Q VLANs on the ports, each a kernel VLAN sub-interface of the port's
// twin with its own self IPs. Each element on its own, then against the ports and the VLANs
// before it, so the first error reported is the first one in the file.
#include <algorithm>
#include <span>
#include <string>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1
constexpr unsigned kMaxVlanId = 4094;     // 0 and 4095 are reserved by 802.1Q

const char* checkVlanName(std::string_view s) {
  const bool good =
      !s.empty() && s.size() <= kMaxInterfaceName && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      });
  if (!good) return "is not a valid interface name (1 to 15 of a-z, 0-9, _, - and .)";
  if (s == "lo") return "is the kernel's loopback interface";
  return nullptr;
}

void readVlanAddresses(FieldReader& r, std::vector<IpPrefix>& out) {
  const Json* list = r.array("addresses", Need::kOptional);
  for (size_t i = 0; list && i < list->size() && r.ok(); ++i) {
    const std::string field = "addresses[" + std::to_string(i) + "]";
    const Json& item = (*list)[i];
    if (!item.is_string()) return r.refuse(field, describe(item) + " is not a string");
    Result<IpPrefix> prefix = parseIpPrefix(item.get_ref<const std::string&>());
    if (!prefix) return r.refuse(field, prefix.error());
    out.push_back(*prefix);
  }
}

const Port* portNamed(const std::vector<Port>& ports, const std::string& name) {
  for (const Port& p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

// A VLAN against the ports and the VLANs before it.
void checkVlan(FieldReader& r, const Vlan& v, const std::vector<Port>& ports,
               std::span<const Vlan> before) {
  const Port* port = portNamed(ports, v.port);
  if (!port) return r.refuse("port", quote(v.port) + " is not a port");
  if (v.mtu > port->mtu)
    r.refuse("mtu", std::to_string(v.mtu) + " is above the MTU of port " + quote(port->name) +
                        " (" + std::to_string(port->mtu) + ")");
  for (const Port& p : ports)
    if (p.name == v.name || p.twin == v.name)
      r.refuse("name", quote(v.name) + " is already the name of port " + quote(p.name) +
                           " or its twin");
  for (size_t k = 0; k < before.size(); ++k) {
    const std::string other = "vlans[" + std::to_string(k) + "] " + quote(before[k].name);
    if (before[k].name == v.name) r.refuse("name", quote(v.name) + " is already " + other);
    if (before[k].port == v.port && before[k].id == v.id)
      r.refuse("id", std::to_string(v.id) + " is already " + other + " on port " + quote(v.port));
  }
  for (size_t a = 0; a < v.addresses.size(); ++a) {
    const IpAddress& address = v.addresses[a].address;
    const std::string field = "addresses[" + std::to_string(a) + "]";
    for (const Port& p : ports)
      for (const IpPrefix& self : p.addresses)
        if (self.address == address)
          r.refuse(field, address.text + " is already used by port " + quote(p.name));
    for (const Vlan& b : before)
      for (const IpPrefix& self : b.addresses)
        if (self.address == address)
          r.refuse(field, address.text + " is already used by vlan " + quote(b.name));
    for (size_t m = 0; m < a; ++m)
      if (v.addresses[m].address == address)
        r.refuse(field, address.text + " is already addresses[" + std::to_string(m) + "]");
  }
}

Status parseVlan(const Json& j, size_t index, const std::vector<Port>& ports,
                 std::span<const Vlan> before, Vlan& out) {
  std::string where = "vlans[" + std::to_string(index) + "]";
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  if (auto name = j.find("name"); name != j.end() && name->is_string() &&
                                  !checkVlanName(name->get_ref<const std::string&>()))
    where += " " + quote(name->get_ref<const std::string&>());
  FieldReader r(j, where);
  r.onlyFields({"name", "port", "id", "addresses", "mtu"});
  Vlan v;
  r.text("name", v.name, Need::kRequired, checkVlanName);
  r.text("port", v.port, Need::kRequired, nullptr);
  if (const Json* id = r.field("id", Need::kRequired)) {
    const bool fits = id->is_number_unsigned() && id->get<uint64_t>() >= 1 &&
                      id->get<uint64_t>() <= kMaxVlanId;
    if (!fits) r.refuse("id", describe(*id) + " is not a VLAN id (1 to 4094)");
    else v.id = uint16_t(id->get<uint64_t>());
  }
  readVlanAddresses(r, v.addresses);
  r.number("mtu", v.mtu, 576, 9000, NumberRule::kRange);
  if (r.ok()) checkVlan(r, v, ports, before);
  if (!r.ok()) return fail(r.error());
  out = std::move(v);
  return Ok{};
}

}  // namespace

Status parseVlans(const Json& list, const std::vector<Port>& ports, std::vector<Vlan>& out) {
  std::vector<Vlan> vlans(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (Status s = parseVlan(list[i], i, ports, {vlans.data(), i}, vlans[i]); !s) return s;
  out = std::move(vlans);
  return Ok{};
}

}  // namespace vlb::config::detail
