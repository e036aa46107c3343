// Declarations shared by the files of mgmt/config; not part of its public API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgmt/config/config.h"
#include "mgmt/config/field_reader.h"

namespace vlb::config::detail {

// Parses JSON text into `out`. Refuses syntax errors (`line L, column C: ...`), a field that
// appears twice in one object, and nesting deeper than any config needs.
Status parseDocument(std::string_view text, Json& out);


// The top-level "ports" and "routes" arrays. Routes are checked against the ports.
Status parsePorts(const Json& list, std::vector<Port>& out);
Status parseRoutes(const Json& list, const std::vector<Port>& ports, std::vector<Route>& out);
// The "vlans" array (config_vlans.cpp), checked against the ports.
Status parseVlans(const Json& list, const std::vector<Port>& ports, std::vector<Vlan>& out);

// The "snat_pools" and "virtual_services" arrays; services are checked against the pools and
// the ports' self IPs.
Status parseSnatPools(const Json& list, std::vector<SnatPool>& out);
Status parseVirtualServices(const Json& list, const Config& cfg, std::vector<VirtualService>& out);

}  // namespace vlb::config::detail

// Shared value readers (config_values.cpp).
namespace vlb::config::detail {

// 1 to 63 of A-Z a-z 0-9 _ - . (services, pools, certificates, rules).
const char* checkObjectName(std::string_view s);
const char* checkAbsolutePath(std::string_view s);
// RFC 1123 host name.
const char* checkHostname(std::string_view s);
// `list[index]`, plus ` "name"` when the element has a valid name.
std::string label(std::string_view list, size_t index, const Json& item);
// An IPv4 address in a string value; refuses IPv6 and anything else, naming `field`.
bool readIpv4(FieldReader& r, std::string_view field, const Json& value, IpAddress& out);
bool readIpv4Field(FieldReader& r, std::string_view field, Need need, IpAddress& out);
bool readPrefixField(FieldReader& r, std::string_view field, Need need, IpPrefix& out);
bool parsePortNumber(std::string_view s, uint16_t& out);
// An integer 1-65535; leaves `out` alone when absent.
void readPort(FieldReader& r, std::string_view field, Need need, uint16_t& out);

// A string field that must be one of `choices`; `out` is left alone when absent.
template <typename Enum, size_t N>
void readChoice(FieldReader& r, std::string_view field, Need need,
                const std::pair<std::string_view, Enum> (&choices)[N], Enum& out) {
  const Json* v = r.field(field, need);
  if (!v) return;
  std::string expected;
  for (size_t i = 0; i < N; ++i) {
    if (v->is_string() && v->get_ref<const std::string&>() == choices[i].first) {
      out = choices[i].second;
      return;
    }
    expected += (i == 0 ? "\"" : ", \"") + std::string(choices[i].first) + "\"";
  }
  r.refuse(field, describe(*v) + " is not one of " + expected);
}

// A nested object's reader: runs `read` on a FieldReader named `<top>: <field>` and adopts its
// error. Returns whether the field was present.
template <typename Read>
bool readNested(FieldReader& top, std::string_view field, Read&& read) {
  const Json* v = top.object(field, Need::kOptional);
  if (v == nullptr) return false;
  FieldReader r(*v, top.where() + ": " + std::string(field));
  read(r);
  if (!r.ok()) top.adopt(fail(r.error()));
  return true;
}

// `check` of an L4 service or an L7 pool (health_check.cpp).
void readHealthCheck(FieldReader& top, std::optional<HealthCheck>& out);
// The new top-level objects (config_system.cpp, config_l7.cpp).
Status parseSystem(const Json& object, SystemOptions& out);
// The default gateway against the ports and routes.
Status checkSystem(const Config& cfg);
Status parseCertificates(const Json& list, std::vector<Certificate>& out);
Status parseStaticNats(const Json& list, const Config& cfg, std::vector<StaticNat>& out);
Status parseForwardingServices(const Json& list, const Config& cfg,
                               std::vector<ForwardingService>& out);
Status parseL7Services(const Json& list, const Config& cfg, std::vector<L7Service>& out);
// One rule or a default action of an L7 service (config_l7_rules.cpp).
void readRules(FieldReader& top, const L7Service& service, std::vector<L7Rule>& out);
void readAction(FieldReader& r, const L7Service& service, RuleAction& out);

}  // namespace vlb::config::detail
