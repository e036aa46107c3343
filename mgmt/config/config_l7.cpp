// The "l7_services" array: HTTP/HTTPS services with their pools, persistence, rewriting and
// timeouts. Rules and actions are in config_l7_rules.cpp.
#include <algorithm>
#include <cctype>
#include <span>

#include "mgmt/config/config_internal.h"

namespace vlb::config {

std::string_view realStateName(RealState state) {
  constexpr std::string_view names[] = {"enabled", "disabled", "drain"};
  return names[static_cast<size_t>(state)];
}

namespace detail {
namespace {

constexpr unsigned kMaxTimeout = 7 * 24 * 3600;
constexpr uint64_t kMaxBody = uint64_t(1) << 40;

constexpr std::pair<std::string_view, L7Protocol> kL7Protocols[] = {{"http", L7Protocol::kHttp},
                                                                    {"https", L7Protocol::kHttps}};
constexpr std::pair<std::string_view, CipherPreset> kCiphers[] = {
    {"modern", CipherPreset::kModern}, {"compatible", CipherPreset::kCompatible}};
constexpr std::pair<std::string_view, L7Scheduler> kL7Schedulers[] = {
    {"rr", L7Scheduler::kRr}, {"wrr", L7Scheduler::kWrr}, {"lc", L7Scheduler::kLc},
    {"lcr", L7Scheduler::kLcr}};
constexpr std::pair<std::string_view, L7PersistenceMode> kModes[] = {
    {"none", L7PersistenceMode::kNone}, {"cookie", L7PersistenceMode::kCookie},
    {"source", L7PersistenceMode::kSource}, {"cookie-then-source", L7PersistenceMode::kCookieThenSource}};
constexpr std::pair<std::string_view, RealState> kRealStates[] = {
    {"enabled", RealState::kEnabled}, {"disabled", RealState::kDisabled}, {"drain", RealState::kDrain}};

const char* checkCookieName(std::string_view s) {
  bool good = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  return good ? nullptr : "is not a cookie name (1 to 64 of A-Z, a-z, 0-9, _, - and .)";
}

// A cookie domain may start with a dot (".example.com").
const char* checkDomain(std::string_view s) {
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return checkHostname(s);
}

void readReal(FieldReader& r, std::span<const L7Real> before, L7Real& real) {
  r.onlyFields({"address", "port", "weight", "state"});
  readIpv4Field(r, "address", Need::kRequired, real.address);
  readPort(r, "port", Need::kOptional, real.port);
  r.number("weight", real.weight, 0, 65535, NumberRule::kRange);
  readChoice(r, "state", Need::kOptional, kRealStates, real.state);
  for (size_t k = 0; k < before.size() && r.ok(); ++k)
    if (before[k].address == real.address && before[k].port == real.port)
      r.refuse("address", real.address.text + (real.port ? ":" + std::to_string(real.port) : "") +
                              " is already reals[" + std::to_string(k) + "]");
}

void readPool(FieldReader& r, std::span<const L7Pool> before, L7Pool& pool) {
  r.onlyFields({"name", "scheduler", "reals", "check"});
  r.text("name", pool.name, Need::kRequired, checkObjectName);
  for (size_t k = 0; k < before.size() && r.ok(); ++k)
    if (before[k].name == pool.name)
      r.refuse("name", quote(pool.name) + " is already pools[" + std::to_string(k) + "]");
  readChoice(r, "scheduler", Need::kOptional, kL7Schedulers, pool.scheduler);
  readHealthCheck(r, pool.check);
  const Json* reals = r.array("reals", Need::kOptional);
  for (size_t i = 0; reals && i < reals->size() && r.ok(); ++i) {
    const Json& j = (*reals)[i];
    const std::string where = r.where() + ": reals[" + std::to_string(i) + "]";
    if (!j.is_object()) return r.adopt(fail(where + ": " + describe(j) + " is not an object"));
    FieldReader rr(j, where);
    L7Real real;
    readReal(rr, pool.reals, real);
    r.adopt(rr.ok() ? Status(Ok{}) : fail(rr.error()));
    pool.reals.push_back(real);
  }
}

void readPools(FieldReader& top, std::vector<L7Pool>& out) {
  const Json* list = top.array("pools", Need::kOptional);
  for (size_t i = 0; list && i < list->size() && top.ok(); ++i) {
    const Json& j = (*list)[i];
    const std::string where = top.where() + ": " + label("pools", i, j);
    if (!j.is_object()) return top.adopt(fail(where + ": " + describe(j) + " is not an object"));
    FieldReader r(j, where);
    L7Pool pool;
    readPool(r, out, pool);
    if (!r.ok()) return top.adopt(fail(r.error()));
    out.push_back(std::move(pool));
  }
}

void readPersistence(FieldReader& r, L7Persistence& p) {
  r.onlyFields({"mode", "cookie", "prefix_length", "timeout_s"});
  readChoice(r, "mode", Need::kRequired, kModes, p.mode);
  const bool cookie = p.mode == L7PersistenceMode::kCookie || p.mode == L7PersistenceMode::kCookieThenSource;
  const bool source = p.mode == L7PersistenceMode::kSource || p.mode == L7PersistenceMode::kCookieThenSource;
  if (r.ok() && !cookie && r.field("cookie", Need::kOptional))
    r.refuse("cookie", "applies to modes \"cookie\" and \"cookie-then-source\" only");
  if (r.ok() && !source && r.field("prefix_length", Need::kOptional))
    r.refuse("prefix_length", "applies to modes \"source\" and \"cookie-then-source\" only");
  r.text("cookie", p.cookie, Need::kOptional, checkCookieName);
  unsigned length = p.prefix_length;
  r.number("prefix_length", length, 0, 32, NumberRule::kRange);
  p.prefix_length = uint8_t(length);
  r.number("timeout_s", p.timeout_s, 1, kMaxTimeout, NumberRule::kRange);
}

void readReencrypt(FieldReader& r, Reencrypt& e) {
  r.onlyFields({"enabled", "sni", "verify", "ca_file"});
  e.enabled = true;  // writing the object means re-encrypting unless it says otherwise
  r.boolean("enabled", e.enabled);
  r.text("sni", e.sni, Need::kOptional, checkHostname);
  r.boolean("verify", e.verify);
  r.text("ca_file", e.ca_file, Need::kOptional, checkAbsolutePath);
}

void readHostMap(FieldReader& r, std::string_view field, TextCheck check,
                 std::map<std::string, std::string>& out) {
  const Json* map = r.object(field, Need::kOptional);
  if (!map) return;
  for (const auto& [key, value] : map->items()) {
    const std::string name = std::string(field) + "." + key;
    if (const char* why = check(key)) return r.refuse(name, quote(key) + " " + why);
    if (std::string why = checkText(value, check); !why.empty()) return r.refuse(name, why);
    out[key] = value.get<std::string>();
  }
}

void readRewrite(FieldReader& r, L7Service& s) {
  r.onlyFields({"location_hosts", "cookie_domains"});
  readHostMap(r, "location_hosts", checkHostname, s.location_hosts);
  readHostMap(r, "cookie_domains", checkDomain, s.cookie_domains);
}

void readTimeouts(FieldReader& r, L7Timeouts& t) {
  r.onlyFields({"connect_s", "server_s", "client_s"});
  r.number("connect_s", t.connect_s, 1, 3600, NumberRule::kRange);
  r.number("server_s", t.server_s, 1, kMaxTimeout, NumberRule::kRange);
  r.number("client_s", t.client_s, 1, kMaxTimeout, NumberRule::kRange);
}

void readBodyLimit(FieldReader& r, uint64_t& out) {
  const Json* v = r.field("max_request_body", Need::kOptional);
  if (!v) return;
  if (!v->is_number_unsigned() || v->get<uint64_t>() > kMaxBody)
    return r.refuse("max_request_body", describe(*v) + " is not between 0 and 1099511627776 (1 TiB)");
  out = v->get<uint64_t>();
}

void readCertificates(FieldReader& r, const Config& cfg, L7Service& s) {
  r.textList("certificates", s.certificates, checkObjectName);
  for (size_t i = 0; i < s.certificates.size() && r.ok(); ++i) {
    const std::string& name = s.certificates[i];
    if (std::none_of(cfg.certificates.begin(), cfg.certificates.end(),
                     [&](const Certificate& c) { return c.name == name; }))
      r.refuse("certificates[" + std::to_string(i) + "]", quote(name) + " is not a name in certificates");
  }
  if (!r.ok()) return;
  if (s.protocol == L7Protocol::kHttps && s.certificates.empty())
    r.refuse("certificates", "an https service needs at least one certificate");
  if (s.protocol == L7Protocol::kHttp && !s.certificates.empty())
    r.refuse("certificates", "applies to https services only");
  if (s.protocol == L7Protocol::kHttp && r.field("ciphers", Need::kOptional))
    r.refuse("ciphers", "applies to https services only");
}

// The service's listening address against self IPs, L4 services and earlier L7 services.
void checkListener(FieldReader& r, const L7Service& s, const Config& cfg,
                   std::span<const L7Service> before) {
  for (const Port& p : cfg.ports)
    for (const IpPrefix& a : p.addresses)
      if (a.address == s.address) r.refuse("address", s.address.text + " is a self IP of port " + quote(p.name));
  for (const VirtualService& vs : cfg.virtual_services)
    if (vs.vip == s.address && vs.protocol == Protocol::kTcp && vs.port_first <= s.port &&
        s.port <= vs.port_last)
      r.refuse("port", std::to_string(s.port) + " on " + s.address.text +
                           " is taken by virtual service " + quote(vs.name));
  for (size_t k = 0; k < before.size() && r.ok(); ++k) {
    if (before[k].name == s.name)
      r.refuse("name", quote(s.name) + " is already l7_services[" + std::to_string(k) + "]");
    if (before[k].address == s.address && before[k].port == s.port)
      r.refuse("port", std::to_string(s.port) + " on " + s.address.text + " is taken by l7 service " +
                           quote(before[k].name));
  }
}

Status parseService(const Json& j, size_t index, const Config& cfg,
                    std::span<const L7Service> before, L7Service& out) {
  const std::string where = label("l7_services", index, j);
  if (!j.is_object()) return fail(where + ": " + describe(j) + " is not an object");
  FieldReader r(j, where);
  r.onlyFields({"name", "address", "port", "protocol", "certificates", "ciphers", "reencrypt", "pools",
                "persistence", "rules", "default_action", "rewrite", "x_forwarded", "transparent",
                "timeouts", "max_request_body", "access_log"});
  L7Service s;
  r.text("name", s.name, Need::kRequired, checkObjectName);
  readIpv4Field(r, "address", Need::kRequired, s.address);
  readChoice(r, "protocol", Need::kRequired, kL7Protocols, s.protocol);
  s.port = s.protocol == L7Protocol::kHttps ? 443 : 80;
  readPort(r, "port", Need::kOptional, s.port);
  readCertificates(r, cfg, s);
  readChoice(r, "ciphers", Need::kOptional, kCiphers, s.ciphers);
  readNested(r, "reencrypt", [&](FieldReader& n) { readReencrypt(n, s.reencrypt); });
  readPools(r, s.pools);
  readNested(r, "persistence", [&](FieldReader& n) { readPersistence(n, s.persistence); });
  readRules(r, s, s.rules);
  readNested(r, "default_action", [&](FieldReader& n) { readAction(n, s, s.default_action); });
  readNested(r, "rewrite", [&](FieldReader& n) { readRewrite(n, s); });
  r.boolean("x_forwarded", s.x_forwarded);
  r.boolean("transparent", s.transparent);
  readNested(r, "timeouts", [&](FieldReader& n) { readTimeouts(n, s.timeouts); });
  readBodyLimit(r, s.max_request_body);
  r.text("access_log", s.access_log, Need::kOptional, checkAbsolutePath);
  if (r.ok()) checkListener(r, s, cfg, before);
  if (!r.ok()) return fail(r.error());
  out = std::move(s);
  return Ok{};
}

}  // namespace

Status parseL7Services(const Json& list, const Config& cfg, std::vector<L7Service>& out) {
  std::vector<L7Service> services(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (Status s = parseService(list[i], i, cfg, {services.data(), i}, services[i]); !s) return s;
  out = std::move(services);
  return Ok{};
}

}  // namespace detail
}  // namespace vlb::config
