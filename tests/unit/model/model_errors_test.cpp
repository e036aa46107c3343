// mgmt/model refusals: each kind of bad command gets its exact message, naming the object, the
// field, the value and what was expected, and leaves the document unchanged.
#include <gtest/gtest.h>

#include "mgmt/model/model.h"
#include "tests/unit/model/full_config.h"

namespace vlb::model {
namespace {

struct Bad {
  const char* line;
  const char* message;
};

class ModelRefusals : public ::testing::TestWithParam<Bad> {};

TEST_P(ModelRefusals, NameObjectFieldValueAndExpectation) {
  Json doc = canonical(standardRegistry(), Json::parse(testing::kFullConfig));
  const Json before = doc;
  Status s = applyLine(standardRegistry(), doc, GetParam().line);
  ASSERT_FALSE(s.ok()) << GetParam().line;
  EXPECT_EQ(s.error(), GetParam().message);
  EXPECT_EQ(doc, before);
}

constexpr const char* kKinds =
    "hostname, system, eal, control, datapath, port, vlan, route, snat-pool, static-nat, forwarding-service, "
    "virtual-service, certificate, l7-service";

const std::string kMissingObject = std::string("set: missing object (expected one of: ") + kKinds + ")";
const std::string kUnknownObject =
    std::string("set: unknown object \"virtul-service\" (expected one of: ") + kKinds + ")";
const std::string kDeleteNothing = std::string("delete: missing object (expected one of: ") + kKinds + ")";

INSTANTIATE_TEST_SUITE_P(All, ModelRefusals, ::testing::Values(
  Bad{"sett virtual-service web", R"(unknown command "sett" (expected set, delete, create, modify or insert))"},
  Bad{"set", kMissingObject.c_str()},
  Bad{"set virtul-service web", kUnknownObject.c_str()},
  Bad{"set virtual-service web wieght 3",
      R"(set: virtual-service web: unknown field "wieght" (expected one of: vip, protocol, port, scheduler, persistence, snat, idle-timeout-s, tcp-profile, on-real-down, check, minimum-up, real))"},
  Bad{"set virtual-service web vip 203.0.113.300",
      R"(set: virtual-service web: field "vip": "203.0.113.300" is not an IPv4 address (expected e.g. 192.0.2.1))"},
  Bad{"set virtual-service web vip 2001:db8::1",
      R"(set: virtual-service web: field "vip": "2001:db8::1" is not an IPv4 address (expected e.g. 192.0.2.1))"},
  Bad{"set virtual-service web port 70000",
      R"(set: virtual-service web: field "port": "70000" is not a port (expected 1-65535, a range such as 50000-59999, or any))"},
  Bad{"set virtual-service web port 90-80",
      R"(set: virtual-service web: field "port": "90-80" is not a port (expected 1-65535, a range such as 50000-59999, or any))"},
  Bad{"set virtual-service web real 192.0.2.11:99999",
      R"(set: virtual-service web real: "192.0.2.11:99999": "99999" is not a port (expected 1-65535))"},
  Bad{"set virtual-service web real 192.0.2.11 weight 65536",
      R"(set: virtual-service web real 192.0.2.11: field "weight": "65536" is not an integer between 0 and 65535)"},
  Bad{"set virtual-service web real 192.0.2.11 weight heavy",
      R"(set: virtual-service web real 192.0.2.11: field "weight": "heavy" is not an integer between 0 and 65535)"},
  Bad{"set virtual-service web scheduler random",
      R"(set: virtual-service web: field "scheduler": "random" is not one of rr, wrr, lc, wlc, sh, maglev)"},
  Bad{"set virtual-service web protocol",
      R"(set: virtual-service web: field "protocol": missing value (expected <tcp|udp>))"},
  Bad{"set virtual-service", R"(set: virtual-service: missing key (expected <name>))"},
  Bad{"set virtual-service web real", R"(set: virtual-service web real: missing key (expected <ipv4>[:<1-65535>]))"},
  Bad{"set virtual-service 'bad name'",
      R"(set: virtual-service: "bad name" is not a name (expected 1 to 63 of A-Z, a-z, 0-9, _, - and .))"},
  Bad{"set virtual-service web name other",
      R"(set: virtual-service web: field "name" is the key; delete the object and set it under the new key)"},
  Bad{"set virtual-service web tcp-profile loose-init yes",
      R"(set: virtual-service web tcp-profile: field "loose-init": "yes" is not a boolean (expected true or false))"},
  Bad{"set virtual-service web check interval-s 5x",
      R"(set: virtual-service web check: field "interval-s": "5x" is not a duration (expected 1-3600 seconds, or e.g. 30s, 5m, 2h))"},
  Bad{"set virtual-service web check interval-s 2h",
      R"(set: virtual-service web check: field "interval-s": "2h" is not a duration (expected 1-3600 seconds, or e.g. 30s, 5m, 2h))"},
  Bad{"set route 10.0.0.0 gateway 192.0.2.254",
      R"(set: route: "10.0.0.0" is not an IP prefix (expected e.g. 192.0.2.0/24))"},
  Bad{"set system dns-servers dns.example",
      R"(set: system: field "dns-servers": "dns.example" is not an IP address (expected e.g. 192.0.2.1 or 2001:db8::1))"},
  Bad{"set system hostname -bad-",
      R"(set: system: field "hostname": "-bad-" is not a host name (expected e.g. mail.example.com))"},
  Bad{"set control socket run/vlb.sock",
      R"(set: control: field "socket": "run/vlb.sock" is not an absolute file path (expected e.g. /etc/vlb/file.pem))"},
  Bad{"set port ext mtu 100", R"(set: port ext: field "mtu": "100" is not an integer between 576 and 9000)"},
  Bad{"set l7-service owa max-request-body 3P",
      R"(set: l7-service owa: field "max-request-body": "3P" is not a size (expected 0-1099511627776 bytes, or e.g. 64K, 16M, 2G))"},
  Bad{"set l7-service owa rewrite location-hosts a.example",
      R"(set: l7-service owa rewrite: field "location-hosts": missing value (expected <hostname>))"},
  Bad{"set l7-service owa persistence mode sticky",
      R"(set: l7-service owa persistence: field "mode": "sticky" is not one of none, cookie, source, cookie-then-source)"},
  Bad{"modify certificate nope cert-file /etc/vlb/x.pem",
      R"(modify: certificate nope does not exist (modify changes existing objects; use create))"},
  Bad{"create static-nat 203.0.113.60 private 192.0.2.61",
      R"(create: the object already exists (use modify or set): static-nat 203.0.113.60 private 192.0.2.61)"},
  Bad{"delete virtual-service nope", R"(delete: virtual-service nope does not exist)"},
  Bad{"delete virtual-service web real 192.0.2.99:443", R"(delete: virtual-service web real 192.0.2.99:443 does not exist)"},
  Bad{"delete virtual-service lync-av check", R"(delete: virtual-service lync-av: field "check" is not set)"},
  Bad{"delete l7-service owa certificates nope", R"(delete: l7-service owa: field "certificates": "nope" is not in the list)"},
  Bad{"delete l7-service owa rewrite location-hosts nope.example",
      R"(delete: l7-service owa rewrite: field "location-hosts": "nope.example" is not set)"},
  Bad{"delete virtual-service web vip 203.0.113.20",
      R"(delete: virtual-service web: field "vip": unexpected "203.0.113.20" (delete takes no value))"},
  Bad{"delete", kDeleteNothing.c_str()},
  Bad{"delete hostname", R"(delete: "hostname" is not configured)"},
  Bad{R"(set certificate c password "unterminated)", "unterminated double quote"},
  Bad{"insert l7-service owa rule nope before wac", R"(insert: l7-service owa rule nope does not exist)"},
  Bad{"insert l7-service owa rule wac before nope", R"(insert: l7-service owa rule nope does not exist)"},
  Bad{"insert l7-service owa rule wac", R"(insert: l7-service owa rule wac: missing before or after)"},
  Bad{"insert l7-service owa address", R"(insert: l7-service owa: "address" is not an object or a list of objects)"}));

// Semantic errors (duplicates, dangling references) are the config parser's: `commit check`.
TEST(ModelCommitCheck, RefusesWhatTheFileParserRefuses) {
  const Registry& reg = standardRegistry();
  Json doc = Json::parse(testing::kFullConfig);
  ASSERT_TRUE(checkDocument(doc).ok());
  ASSERT_TRUE(applyLine(reg, doc, "set virtual-service web2 vip 203.0.113.20 protocol tcp port 443").ok());
  EXPECT_EQ(checkDocument(doc).error(),
            R"(virtual_services[2] "web2": field "port": overlaps virtual service "web" on 203.0.113.20 tcp)");
  doc = Json::parse(testing::kFullConfig);
  ASSERT_TRUE(applyLine(reg, doc, "set l7-service owa rule wac action pool nope").ok());
  EXPECT_EQ(checkDocument(doc).error(),
            R"(l7_services[1] "owa": rules[0] "wac": action: field "pool": "nope" is not a pool of l7 service "owa")");
  doc = Json::parse(testing::kFullConfig);
  ASSERT_TRUE(applyLine(reg, doc, "set l7-service owa certificates missing").ok());
  EXPECT_EQ(checkDocument(doc).error(),
            R"(l7_services[1] "owa": field "certificates[2]": "missing" is not a name in certificates)");
}

}  // namespace
}  // namespace vlb::model
