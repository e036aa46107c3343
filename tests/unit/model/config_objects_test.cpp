// The configuration objects added for L7 services, health checks, certificates, static NAT,
// forwarding services and `system`: what a valid file becomes, and each refusal's exact words.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "mgmt/config/config.h"
#include "tests/unit/model/full_config.h"

namespace vlb::config {
namespace {

using nlohmann::json;

std::string refusal(const json& doc) {
  auto cfg = parseConfig(doc.dump());
  return cfg.ok() ? "(accepted)" : cfg.error();
}

json full() { return json::parse(testing::kFullConfig); }

TEST(ConfigObjects, TheFullExampleIsRead) {
  auto cfg = parseConfig(testing::kFullConfig);
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  EXPECT_EQ(cfg->hostname, "vlb1.example.com");
  ASSERT_EQ(cfg->system.dns_servers.size(), 2u);
  EXPECT_EQ(cfg->system.dns_servers[1].text, "2001:db8::53");
  ASSERT_TRUE(cfg->system.default_gateway.has_value());
  EXPECT_EQ(cfg->system.default_gateway->text, "198.51.100.254");

  const VirtualService& web = cfg->virtual_services[1];
  ASSERT_TRUE(web.check.has_value());
  EXPECT_EQ(web.check->type, CheckType::kHttps);
  EXPECT_EQ(web.check->url, "/owa/healthcheck.htm");
  ASSERT_EQ(web.check->expect.size(), 2u);
  EXPECT_EQ(web.check->expect[1], (StatusRange{301, 302}));
  EXPECT_EQ(web.check->interval_s, 10u);
  EXPECT_EQ(web.check->timeout_s, 4u);
  EXPECT_EQ(web.check->rise, 3u);
  EXPECT_EQ(web.check->fall, 2u);
  EXPECT_EQ(web.minimum_up, 1u);
  EXPECT_EQ(web.reals[1].state, RealState::kDrain);  // "enabled": false
  EXPECT_FALSE(web.reals[1].enabled);
  EXPECT_EQ(cfg->virtual_services[0].reals[1].state, RealState::kDrain);
  EXPECT_FALSE(cfg->virtual_services[0].check.has_value());

  ASSERT_EQ(cfg->certificates.size(), 2u);
  EXPECT_EQ(cfg->certificates[1].pfx_file, "/etc/vlb/lync.pfx");
  ASSERT_EQ(cfg->static_nats.size(), 1u);
  EXPECT_EQ(cfg->static_nats[0].private_address.text, "192.0.2.60");
  ASSERT_EQ(cfg->forwarding_services.size(), 1u);
  EXPECT_EQ(cfg->forwarding_services[0].snat, ForwardingService::Snat::kPool);
  EXPECT_EQ(cfg->forwarding_services[0].source.text, "192.0.2.0/25");

  ASSERT_EQ(cfg->l7_services.size(), 2u);
  const L7Service& redirect = cfg->l7_services[0];
  EXPECT_EQ(redirect.protocol, L7Protocol::kHttp);
  EXPECT_EQ(redirect.rules[0].action.kind, RuleAction::Kind::kRedirect);
  EXPECT_EQ(redirect.rules[0].action.status, 301u);
  EXPECT_EQ(redirect.default_action.status, 404u);  // the default default action
  const L7Service& owa = cfg->l7_services[1];
  EXPECT_EQ(owa.ciphers, CipherPreset::kCompatible);
  EXPECT_TRUE(owa.reencrypt.enabled);
  EXPECT_EQ(owa.reencrypt.sni, "mail.internal.example");
  ASSERT_EQ(owa.pools.size(), 2u);
  EXPECT_EQ(owa.pools[0].scheduler, L7Scheduler::kLcr);
  EXPECT_EQ(owa.pools[0].reals[1].state, RealState::kDisabled);
  ASSERT_TRUE(owa.pools[0].check.has_value());
  EXPECT_EQ(owa.pools[0].check->timeout_s, 3u);  // min(interval 5, 3)
  EXPECT_FALSE(owa.pools[1].check.has_value());
  EXPECT_EQ(owa.persistence.mode, L7PersistenceMode::kCookieThenSource);
  EXPECT_EQ(owa.persistence.prefix_length, 24);
  ASSERT_EQ(owa.rules.size(), 4u);
  EXPECT_EQ(owa.rules[1].match.methods.size(), 3u);
  ASSERT_TRUE(owa.rules[1].match.header.has_value());
  EXPECT_EQ(owa.rules[1].match.header->kind, HeaderMatch::Kind::kRegex);
  EXPECT_EQ(owa.rules[2].action.kind, RuleAction::Kind::kDeny);
  EXPECT_EQ(owa.rules[2].action.status, 403u);
  EXPECT_EQ(owa.rules[3].action.body, "<p>hello world</p>");
  EXPECT_EQ(owa.default_action.body, "not here");
  EXPECT_EQ(owa.location_hosts.at("mail.internal.example"), "mail.example.com");
  EXPECT_EQ(owa.cookie_domains.at(".internal.example"), ".example.com");
  EXPECT_EQ(owa.max_request_body, uint64_t(2) << 30);
  EXPECT_EQ(owa.access_log, "/var/log/vlb/owa.log");
}

TEST(ConfigObjects, DefaultsOfAMinimalL7Service) {
  json doc = full();
  doc["l7_services"] = json::parse(R"([{"name": "s", "address": "203.0.113.40", "protocol": "https",
                                        "certificates": ["mail"]}])");
  auto cfg = parseConfig(doc.dump());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  const L7Service& s = cfg->l7_services[0];
  EXPECT_EQ(s.port, 443);
  EXPECT_EQ(s.ciphers, CipherPreset::kModern);
  EXPECT_TRUE(s.x_forwarded);
  EXPECT_FALSE(s.transparent);
  EXPECT_EQ(s.timeouts.connect_s, 5u);
  EXPECT_EQ(s.timeouts.server_s, 200u);
  EXPECT_EQ(s.timeouts.client_s, 60u);
  EXPECT_EQ(s.max_request_body, uint64_t(2) << 30);
  EXPECT_EQ(s.default_action.kind, RuleAction::Kind::kRespond);
  EXPECT_EQ(s.default_action.status, 404u);
  EXPECT_EQ(s.persistence.mode, L7PersistenceMode::kNone);
}

struct Bad {
  const char* pointer;  // JSON pointer of the value to replace
  const char* value;    // JSON text
  const char* message;
};

class ConfigObjectRefusals : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigObjectRefusals, SayWhatIsWrong) {
  json doc = full();
  doc[json::json_pointer(GetParam().pointer)] = json::parse(GetParam().value);
  EXPECT_EQ(refusal(doc), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(All, ConfigObjectRefusals, ::testing::Values(
  Bad{"/virtual_services/1/check/type", R"("ftp")",
      R"(virtual_services[1] "web": check: field "type": "ftp" is not one of "none", "icmp", "tcp", "http", "https")"},
  Bad{"/virtual_services/1/check/expect", R"("200,600")",
      R"(virtual_services[1] "web": check: field "expect": "200,600" is not a list of status codes (expected e.g. "200" or "200,301-302", codes 100-599))"},
  Bad{"/virtual_services/1/check/timeout_s", "11",
      R"(virtual_services[1] "web": check: field "timeout_s": 11 is longer than interval_s (10))"},
  Bad{"/virtual_services/0/check", R"({"type": "tcp", "url": "/"})",
      R"(virtual_services[0] "lync-av": check: field "url": applies to http and https checks only)"},
  Bad{"/virtual_services/1/check/header", R"("no colon")",
      R"(virtual_services[1] "web": check: field "header": "no colon" is not a header line (expected "Name: value"))"},
  Bad{"/virtual_services/1/reals/0/state", R"("off")",
      R"(virtual_services[1] "web": reals[0]: field "state": "off" is not one of "enabled", "disabled", "drain")"},
  Bad{"/virtual_services/1/reals/1/state", R"("drain")",
      R"(virtual_services[1] "web": reals[1]: field "enabled": give either "state" or "enabled", not both)"},
  Bad{"/virtual_services/1/minimum_up", "3",
      R"(virtual_services[1] "web": field "minimum_up": 3 is more than the 2 reals of the service)"},
  Bad{"/certificates/0/pfx_file", R"("/etc/vlb/x.pfx")",
      R"(certificates[0] "mail": give either cert_file and key_file (PEM) or pfx_file (PKCS#12), not both)"},
  Bad{"/certificates/1", R"({"name": "lync"})",
      R"(certificates[1] "lync": missing field "cert_file" and "key_file" (PEM) or "pfx_file" (PKCS#12))"},
  Bad{"/certificates/1/name", R"("mail")",
      R"(certificates[1] "mail": field "name": "mail" is already certificates[0])"},
  Bad{"/certificates/0/key_file", R"("relative.key")",
      R"(certificates[0] "mail": field "key_file": "relative.key" is not an absolute path)"},
  Bad{"/static_nats/0/public", R"("203.0.113.20")",
      R"(static_nats[0]: field "public": 203.0.113.20 is the address of virtual service "web")"},
  Bad{"/static_nats/1", R"({"public": "203.0.113.61", "private": "192.0.2.60"})",
      R"(static_nats[1]: field "private": 192.0.2.60 is already static_nats[0])"},
  Bad{"/forwarding_services/0/snat", R"("nope")",
      R"(forwarding_services[0] "edge-internet": field "snat": "nope" is not "automap", "none" or a name in snat_pools)"},
  Bad{"/forwarding_services/0/source", R"("192.0.2.0")",
      R"(forwarding_services[0] "edge-internet": field "source": "192.0.2.0" has no prefix length (expected e.g. 192.0.2.1/24))"},
  Bad{"/system/default_gateway", R"("203.0.113.1")",
      R"(system: field "default_gateway": 203.0.113.1 is not on any port's subnet)"},
  Bad{"/system/dns_servers/1", R"("dns.example")",
      R"(system: field "dns_servers[1]": "dns.example" is not an IP address (expected e.g. 192.0.2.1 or 2001:db8::1))"},
  Bad{"/hostname", R"("other")",
      R"(field "hostname": is also given in system: give it once, in system)"},
  Bad{"/l7_services/1/certificates/1", R"("nope")",
      R"(l7_services[1] "owa": field "certificates[1]": "nope" is not a name in certificates)"},
  Bad{"/l7_services/1/certificates", "[]",
      R"(l7_services[1] "owa": field "certificates": an https service needs at least one certificate)"},
  Bad{"/l7_services/1/port", "80",
      R"(l7_services[1] "owa": field "port": 80 on 203.0.113.30 is taken by l7 service "http-redirect")"},
  Bad{"/l7_services/1/address", R"("203.0.113.20")",
      R"(l7_services[1] "owa": field "port": 443 on 203.0.113.20 is taken by virtual service "web")"},
  Bad{"/l7_services/1/rules/0/action/pool", R"("nope")",
      R"(l7_services[1] "owa": rules[0] "wac": action: field "pool": "nope" is not a pool of l7 service "owa")"},
  Bad{"/l7_services/1/rules/1/match/path_regex", R"("^/(owa")",
      R"(l7_services[1] "owa": rules[1] "owa": match: field "path_regex": "^/(owa" is not a valid regex: missing closing parenthesis at offset 6)"},
  Bad{"/l7_services/1/rules/2/action", R"({"deny": true, "pool": "wac"})",
      R"(l7_services[1] "owa": rules[2] "admin": action: give exactly one of "pool", "redirect", "deny" and "respond")"},
  Bad{"/l7_services/1/rules/3/name", R"("owa")",
      R"(l7_services[1] "owa": rules[3] "owa": field "name": "owa" is already rules[1])"},
  Bad{"/l7_services/0/rules/0/action/redirect/location", R"("https://{hostname}/")",
      R"(l7_services[0] "http-redirect": rules[0] "to-https": action: redirect: field "location": "https://{hostname}/" has an unknown placeholder (expected {scheme}, {host}, {uri}, {path} or {query}))"},
  Bad{"/l7_services/0/rules/0/action/redirect/status", "304",
      R"(l7_services[0] "http-redirect": rules[0] "to-https": action: redirect: field "status": 304 is not a redirect status (301, 302, 303, 307 or 308))"},
  Bad{"/l7_services/1/pools/1/name", R"("exchange")",
      R"(l7_services[1] "owa": pools[1] "exchange": field "name": "exchange" is already pools[0])"},
  Bad{"/l7_services/1/pools/0/reals/1/address", R"("192.0.2.41")",
      R"(l7_services[1] "owa": pools[0] "exchange": reals[1]: field "address": 192.0.2.41:443 is already reals[0])"},
  Bad{"/l7_services/1/persistence/mode", R"("source")",
      R"(l7_services[1] "owa": persistence: field "cookie": applies to modes "cookie" and "cookie-then-source" only)"},
  Bad{"/l7_services/1/rules/1/match/header", R"({"name": "X-A", "value": "1", "present": true})",
      R"(l7_services[1] "owa": rules[1] "owa": match: header: give exactly one of "value", "regex" and "present")"},
  Bad{"/l7_services/1/rules/1/match/methods/0", R"("get")",
      R"(l7_services[1] "owa": rules[1] "owa": match: field "methods[0]": "get" is not an HTTP method (upper case, e.g. "GET" or "RPC_IN_DATA"))"},
  Bad{"/l7_services/1/max_request_body", "-1",
      R"(l7_services[1] "owa": field "max_request_body": -1 is not between 0 and 1099511627776 (1 TiB))"},
  Bad{"/l7_services/1/rewrite/location_hosts", R"({"bad host": "x.example"})",
      R"(l7_services[1] "owa": rewrite: field "location_hosts.bad host": "bad host" is not a valid hostname (RFC 1123: labels of letters, digits and -))"},
  Bad{"/l7_services/0/ciphers", R"("modern")",
      R"(l7_services[0] "http-redirect": field "ciphers": applies to https services only)"},
  Bad{"/l7_services/1/timeouts/connect_s", "0",
      R"(l7_services[1] "owa": timeouts: field "connect_s": 0 is not between 1 and 3600)"}));

}  // namespace
}  // namespace vlb::config
