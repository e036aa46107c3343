// mgmt/model rendering and compare: set lines and JSON text of a small document, and the
// `+ set` / `- set` lines between two documents in a stable order.
#include <gtest/gtest.h>

#include "mgmt/model/model.h"
#include "tests/unit/model/full_config.h"

namespace vlb::model {
namespace {

using Lines = std::vector<std::string>;

const Registry& reg() { return standardRegistry(); }

Json small() {
  return Json::parse(R"({"virtual_services": [{"reals": [{"address": "192.0.2.11", "weight": 2}],
      "port": 80, "protocol": "tcp", "vip": "203.0.113.10", "name": "web"}],
      "ports": [{"name": "ext", "role": "external", "devargs": "net_ring0", "addresses": ["198.51.100.1/24"]}]})");
}

TEST(ModelRender, SetLinesInSchemaOrder) {
  EXPECT_EQ(renderSetLines(reg(), small()), (Lines{
      "set port ext role external",
      "set port ext devargs net_ring0",
      "set port ext addresses 198.51.100.1/24",
      "set virtual-service web vip 203.0.113.10",
      "set virtual-service web protocol tcp",
      "set virtual-service web port 80",
      "set virtual-service web real 192.0.2.11 weight 2"}));
}

TEST(ModelRender, AnElementWithOnlyItsKeyIsOneLine) {
  Json doc = Json::parse(R"({"l7_services": [{"name": "s", "pools": [{"name": "p"}], "rewrite": {}}]})");
  EXPECT_EQ(renderSetLines(reg(), doc), (Lines{"set l7-service s pool p", "set l7-service s rewrite"}));
}

TEST(ModelRender, JsonTextIsCanonical) {
  EXPECT_EQ(renderJson(reg(), Json::parse(R"({"routes": [], "control": {"socket": "/run/x.sock"}})")),
            "{\n  \"control\": {\n    \"socket\": \"/run/x.sock\"\n  }\n}\n");
}

TEST(ModelCompare, SameDocumentsHaveNoDifference) {
  Json doc = Json::parse(testing::kFullConfig);
  EXPECT_EQ(compare(reg(), doc, canonical(reg(), doc)), Lines{});
}

TEST(ModelCompare, ChangesShowAsRemovedAndAddedInPlace) {
  Json from = small();
  Json to = from;
  ASSERT_TRUE(applyLine(reg(), to, "set virtual-service web real 192.0.2.11 weight 3").ok());
  ASSERT_TRUE(applyLine(reg(), to, "set virtual-service web real 192.0.2.12").ok());
  ASSERT_TRUE(applyLine(reg(), to, "delete port ext addresses 198.51.100.1/24").ok());
  ASSERT_TRUE(applyLine(reg(), to, "set hostname vlb1").ok());
  EXPECT_EQ(compare(reg(), from, to), (Lines{
      "+ set hostname vlb1",
      "- set port ext addresses 198.51.100.1/24",
      "- set virtual-service web real 192.0.2.11 weight 2",
      "+ set virtual-service web real 192.0.2.11 weight 3",
      "+ set virtual-service web real 192.0.2.12"}));
  EXPECT_EQ(compare(reg(), to, from), (Lines{
      "- set hostname vlb1",
      "+ set port ext addresses 198.51.100.1/24",
      "- set virtual-service web real 192.0.2.11 weight 3",
      "- set virtual-service web real 192.0.2.12",
      "+ set virtual-service web real 192.0.2.11 weight 2"}));
}

TEST(ModelCompare, AReorderedRuleShows) {
  Json from = Json::parse(R"({"l7_services": [{"name": "s", "rules": [
      {"name": "a", "action": {"deny": true}}, {"name": "b", "action": {"deny": true}}]}]})");
  Json to = from;
  std::swap(to["l7_services"][0]["rules"][0], to["l7_services"][0]["rules"][1]);
  EXPECT_EQ(compare(reg(), from, to), (Lines{
      "- set l7-service s rule a action deny true",
      "+ set l7-service s rule a action deny true"}));
}

TEST(ModelCompare, ReplayingAddedLinesOnTheOldDocumentGivesTheNew) {
  Json from = Json::parse(testing::kFullConfig);
  Json to = from;
  ASSERT_TRUE(applyLine(reg(), to, "set l7-service owa pool wac real 192.0.2.52 weight 2").ok());
  ASSERT_TRUE(applyLine(reg(), to, "set virtual-service web check rise 5").ok());
  Json replayed = canonical(reg(), from);
  Lines removed;
  for (const std::string& line : compare(reg(), from, to)) {
    if (line.rfind("- ", 0) == 0) removed.push_back(line);  // a changed value: "+" overwrites it
    else ASSERT_TRUE(applyLine(reg(), replayed, line.substr(2)).ok()) << line;
  }
  EXPECT_EQ(removed, Lines{"- set virtual-service web check rise 3"});
  EXPECT_EQ(replayed, canonical(reg(), to));
}

}  // namespace
}  // namespace vlb::model

namespace vlb::model {
namespace {

Json withPassword(const char* password) {
  Json doc = Json::parse(R"({"certificates": [{"name": "mail", "pfx_file": "/etc/vlb/mail.pfx"}]})");
  doc["certificates"][0]["password"] = password;
  return doc;
}

TEST(ModelSecrets, ShownMaskedButSavedAndReplayable) {
  const Json doc = withPassword("s3cret!");
  const Lines masked = renderSetLines(standardRegistry(), doc, Secrets::kMasked);
  EXPECT_EQ(masked, (Lines{"set certificate mail pfx-file /etc/vlb/mail.pfx",
                           "set certificate mail password ********"}));
  EXPECT_EQ(renderJson(standardRegistry(), doc, Secrets::kMasked).find("s3cret"), std::string::npos);
  // What is saved keeps it, and its set lines replay to the same document.
  EXPECT_NE(renderJson(standardRegistry(), doc).find("s3cret!"), std::string::npos);
  Json replayed = Json::object();
  for (const auto& line : renderSetLines(standardRegistry(), doc))
    ASSERT_TRUE(applyLine(standardRegistry(), replayed, line).ok()) << line;
  EXPECT_EQ(replayed, canonical(standardRegistry(), doc));
}

TEST(ModelSecrets, ACompareShowsThatASecretChangedWithoutShowingIt) {
  EXPECT_EQ(compare(standardRegistry(), withPassword("old-one"), withPassword("new-one")),
            (Lines{"- set certificate mail password ********", "+ set certificate mail password ********"}));
  EXPECT_EQ(compare(standardRegistry(), withPassword("same"), withPassword("same")), Lines{});
}

}  // namespace
}  // namespace vlb::model
