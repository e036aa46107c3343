// mgmt/model completion: keywords, existing keys, enum values and <type> hints, for set and
// delete, against the full example document.
#include <gtest/gtest.h>

#include "mgmt/model/model.h"
#include "tests/unit/model/full_config.h"

namespace vlb::model {
namespace {

using Words = std::vector<std::string>;

Words complete(const Words& words, std::string_view partial) {
  static const Json doc = Json::parse(testing::kFullConfig);
  return vlb::model::complete(standardRegistry(), doc, words, partial);
}

TEST(ModelComplete, Verbs) {
  EXPECT_EQ(complete({}, ""), (Words{"create", "delete", "insert", "modify", "set"}));
  EXPECT_EQ(complete({}, "d"), (Words{"delete"}));
}

TEST(ModelComplete, ObjectKindsByPrefix) {
  EXPECT_EQ(complete({"set"}, "s"), (Words{"system", "snat-pool", "static-nat"}));
  EXPECT_EQ(complete({"set"}, "l7"), (Words{"l7-service"}));
  EXPECT_EQ(complete({"set"}, "zz"), Words{});
}

TEST(ModelComplete, ExistingKeysThenTheKeyHint) {
  EXPECT_EQ(complete({"set", "virtual-service"}, ""), (Words{"lync-av", "web", "<name>"}));
  EXPECT_EQ(complete({"set", "virtual-service"}, "w"), (Words{"web", "<name>"}));
  EXPECT_EQ(complete({"set", "virtual-service", "web", "real"}, ""),
            (Words{"192.0.2.21:443", "192.0.2.22:443", "<ipv4>[:<1-65535>]"}));
  EXPECT_EQ(complete({"set", "route"}, ""), (Words{"10.0.0.0/8", "<prefix>"}));
}

TEST(ModelComplete, FieldsOfAnObjectLeaveOutTheKey) {
  Words fields = complete({"set", "virtual-service", "web", "real", "192.0.2.21:443"}, "");
  EXPECT_EQ(fields, (Words{"weight", "enabled", "state"}));
  EXPECT_EQ(complete({"set", "l7-service", "owa", "rule", "new", "match"}, "path"),
            (Words{"path-prefix", "path-regex"}));
}

TEST(ModelComplete, EnumAndBooleanValues) {
  EXPECT_EQ(complete({"set", "virtual-service", "web", "scheduler"}, "w"), (Words{"wrr", "wlc"}));
  EXPECT_EQ(complete({"set", "l7-service", "owa", "persistence", "mode"}, "cookie"),
            (Words{"cookie", "cookie-then-source"}));
  EXPECT_EQ(complete({"set", "eal", "no-huge"}, ""), (Words{"false", "true"}));
}

TEST(ModelComplete, TypeHintsForFreeValues) {
  EXPECT_EQ(complete({"set", "virtual-service", "new", "vip"}, ""), (Words{"<ipv4>"}));
  EXPECT_EQ(complete({"set", "virtual-service", "new", "vip"}, "203."), (Words{"<ipv4>"}));
  EXPECT_EQ(complete({"set", "virtual-service", "web", "port"}, ""), (Words{"<port|first-last|any>"}));
  EXPECT_EQ(complete({"set", "virtual-service", "web", "check", "interval-s"}, ""), (Words{"<seconds 1-3600>"}));
  EXPECT_EQ(complete({"set", "port", "ext", "mtu"}, ""), (Words{"<576-9000>"}));
}

TEST(ModelComplete, AfterAValueMoreFieldsOfTheSameObject) {
  EXPECT_EQ(complete({"set", "virtual-service", "web", "real", "192.0.2.21:443", "weight", "3"}, "s"),
            (Words{"state"}));
}

TEST(ModelComplete, DeleteOffersOnlyWhatExists) {
  EXPECT_EQ(complete({"delete", "virtual-service"}, ""), (Words{"lync-av", "web"}));
  EXPECT_EQ(complete({"delete", "virtual-service", "lync-av"}, ""),
            (Words{"vip", "protocol", "port", "scheduler", "snat", "idle-timeout-s", "real"}));
  EXPECT_EQ(complete({"delete", "l7-service", "owa", "certificates"}, ""), (Words{"mail", "lync"}));
  EXPECT_EQ(complete({"delete", "l7-service", "owa", "rewrite", "location-hosts"}, ""),
            (Words{"mail.internal.example"}));
  EXPECT_EQ(complete({"delete", "virtual-service", "web", "vip"}, ""), Words{});
  EXPECT_EQ(complete({"delete", "virtual-service", "nope"}, ""), Words{});
}

TEST(ModelComplete, InsertOffersListsThenBeforeAfterThenSiblings) {
  EXPECT_EQ(complete({"insert", "l7-service", "owa"}, ""),
            (Words{"after", "before", "reencrypt", "pool", "persistence", "rule", "default-action", "rewrite",
                   "timeouts"}));
  EXPECT_EQ(complete({"insert", "l7-service", "owa", "rule", "hello"}, "") ,
            (Words{"after", "before", "match", "action"}));
  EXPECT_EQ(complete({"insert", "l7-service", "owa", "before"}, ""), (Words{"http-redirect", "owa"}));
  EXPECT_EQ(complete({"insert", "l7-service", "owa", "rule", "hello", "before"}, ""),
            (Words{"wac", "owa", "admin", "hello"}));
  EXPECT_EQ(complete({"insert", "l7-service", "owa", "rule", "hello", "before", "wac"}, ""), Words{});
}

TEST(ModelComplete, NothingAfterAWordThatDoesNotFit) {
  EXPECT_EQ(complete({"set", "virtul-service"}, ""), Words{});
  EXPECT_EQ(complete({"show"}, ""), Words{});
}

}  // namespace
}  // namespace vlb::model
