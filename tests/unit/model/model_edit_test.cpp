// mgmt/model edits: every object kind set, deleted and round-tripped through set lines, the
// grammar's forms (keyed lists, several pairs per line, create/modify) and word splitting.
#include <gtest/gtest.h>

#include "mgmt/model/model.h"
#include "tests/unit/model/full_config.h"

namespace vlb::model {
namespace {

const Registry& reg() { return standardRegistry(); }

Json fullDoc() { return canonical(reg(), Json::parse(testing::kFullConfig)); }

// Applies each line in order, failing the test on the first refusal.
Json replay(const std::vector<std::string>& lines, Json doc = Json::object()) {
  for (const std::string& line : lines) {
    Status s = applyLine(reg(), doc, line);
    EXPECT_TRUE(s.ok()) << line << "\n  -> " << s.error();
  }
  return doc;
}

TEST(ModelEdit, TheFullExampleRoundTripsThroughSetLines) {
  const Json doc = fullDoc();
  ASSERT_TRUE(checkDocument(doc).ok()) << checkDocument(doc).error();
  const std::vector<std::string> lines = renderSetLines(reg(), doc);
  ASSERT_GT(lines.size(), 100u);
  const Json rebuilt = replay(lines);
  EXPECT_EQ(rebuilt, doc) << rebuilt.dump(1);
  EXPECT_EQ(renderSetLines(reg(), rebuilt), lines);
  EXPECT_TRUE(checkDocument(rebuilt).ok());
}

TEST(ModelEdit, EveryKindIsCoveredAndRoundTripsOnItsOwn) {
  const Json doc = fullDoc();
  for (const Field& kind : reg().root().fields) {
    SCOPED_TRACE(kind.json);
    if (kind.json == "hostname") continue;  // the older place; the example uses system hostname
    ASSERT_TRUE(doc.contains(kind.json)) << "the full example lacks " << kind.json;
    Json only = Json::object();
    only[kind.json] = doc[kind.json];
    const std::vector<std::string> lines = renderSetLines(reg(), only);
    ASSERT_FALSE(lines.empty());
    for (const std::string& line : lines) EXPECT_EQ(line.rfind("set " + kind.word, 0), 0u) << line;
    EXPECT_EQ(replay(lines), only);
  }
  Json top = Json::object();
  ASSERT_TRUE(applyLine(reg(), top, "set hostname vlb2").ok());
  EXPECT_EQ(top, Json::parse(R"({"hostname": "vlb2"})"));
}

TEST(ModelEdit, DeletingEachKindRemovesOnlyIt) {
  const Json doc = fullDoc();
  for (const auto& [name, value] : doc.items()) {
    SCOPED_TRACE(name);
    Json edited = doc;
    const std::string word = reg().root().byJson(name)->word;
    ASSERT_TRUE(applyCommand(reg(), edited, {"delete", word}).ok());
    Json expected = doc;
    expected.erase(name);
    EXPECT_EQ(edited, expected);
  }
}

TEST(ModelEdit, KeyedListsAreAddressedByKey) {
  Json doc = Json::object();
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service web vip 203.0.113.10 protocol tcp port 80").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service web real 192.0.2.11:80 weight 3").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service web real 192.0.2.12 state drain").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service web real 192.0.2.11:80 weight 4").ok());
  EXPECT_EQ(doc, Json::parse(R"({"virtual_services": [{"name": "web", "vip": "203.0.113.10",
      "protocol": "tcp", "port": 80, "reals": [{"address": "192.0.2.11", "port": 80, "weight": 4},
      {"address": "192.0.2.12", "state": "drain"}]}]})"));
}

TEST(ModelEdit, NestedObjectsAndRulesFromTheShell) {
  Json doc = Json::object();
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa address 203.0.113.30 protocol https certificates mail").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa pool exchange real 192.0.2.41:443").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa rule 2 match path-prefix /owa host mail.example.com").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa rule 2 action pool exchange").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa rule 1 action redirect status 301 location https://{host}{uri}").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa rewrite location-hosts mail.internal mail.example.com").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service owa max-request-body 64M timeouts server-s 5m").ok());
  EXPECT_EQ(doc, Json::parse(R"({"l7_services": [{"name": "owa", "address": "203.0.113.30",
      "protocol": "https", "certificates": ["mail"],
      "pools": [{"name": "exchange", "reals": [{"address": "192.0.2.41", "port": 443}]}],
      "rules": [{"name": "2", "match": {"host": "mail.example.com", "path_prefix": "/owa"},
                 "action": {"pool": "exchange"}},
                {"name": "1", "action": {"redirect": {"status": 301, "location": "https://{host}{uri}"}}}],
      "rewrite": {"location_hosts": {"mail.internal": "mail.example.com"}},
      "timeouts": {"server_s": 300}, "max_request_body": 67108864}]})"));
}

TEST(ModelEdit, FieldsLandInSchemaOrderWhateverTheOrderTyped) {
  Json doc = Json::object();
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service web port 443 protocol tcp vip 203.0.113.10").ok());
  EXPECT_EQ(doc["virtual_services"][0].dump(), R"({"name":"web","vip":"203.0.113.10","protocol":"tcp","port":443})");
  ASSERT_TRUE(applyLine(reg(), doc, "set eal lcores 0-1").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "set system hostname a.example").ok());
  EXPECT_EQ(doc.begin().key(), "system");
}

TEST(ModelEdit, DeleteRemovesFieldsItemsEntriesAndElements) {
  Json doc = fullDoc();
  ASSERT_TRUE(applyLine(reg(), doc, "delete virtual-service web check").ok());
  EXPECT_FALSE(doc["virtual_services"][1].contains("check"));
  ASSERT_TRUE(applyLine(reg(), doc, "delete l7-service owa certificates lync").ok());
  EXPECT_EQ(doc["l7_services"][1]["certificates"], Json::parse(R"(["mail"])"));
  ASSERT_TRUE(applyLine(reg(), doc, "delete l7-service owa rewrite cookie-domains .internal.example").ok());
  EXPECT_FALSE(doc["l7_services"][1]["rewrite"].contains("cookie_domains"));
  ASSERT_TRUE(applyLine(reg(), doc, "delete l7-service owa rule admin").ok());
  EXPECT_EQ(doc["l7_services"][1]["rules"].size(), 3u);
  ASSERT_TRUE(applyLine(reg(), doc, "delete l7-service owa pool exchange real 192.0.2.42:443 state").ok());
  EXPECT_FALSE(doc["l7_services"][1]["pools"][0]["reals"][1].contains("state"));
  ASSERT_TRUE(applyLine(reg(), doc, "delete virtual-service lync-av real 192.0.2.11").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "delete virtual-service lync-av real 192.0.2.12").ok());
  EXPECT_FALSE(doc["virtual_services"][0].contains("reals"));  // no empty list left behind
  ASSERT_TRUE(applyLine(reg(), doc, "delete static-nat 203.0.113.60").ok());
  EXPECT_FALSE(doc.contains("static_nats"));
}

TEST(ModelEdit, CreateRefusesWhatExistsAndModifyWhatDoesNot) {
  Json doc = fullDoc();
  const Json before = doc;
  Status s = applyLine(reg(), doc, "create virtual-service web vip 203.0.113.99");
  EXPECT_EQ(s.error(), "create: the object already exists (use modify or set): virtual-service web vip 203.0.113.99");
  s = applyLine(reg(), doc, "modify virtual-service nope vip 203.0.113.99");
  EXPECT_EQ(s.error(), "modify: virtual-service nope does not exist (modify changes existing objects; use create)");
  EXPECT_EQ(doc, before);
  ASSERT_TRUE(applyLine(reg(), doc, "create virtual-service web real 192.0.2.23:443").ok());
  ASSERT_TRUE(applyLine(reg(), doc, "modify virtual-service web real 192.0.2.23:443 weight 5").ok());
  EXPECT_EQ(doc["virtual_services"][1]["reals"][2], Json::parse(R"({"address": "192.0.2.23", "port": 443, "weight": 5})"));
}

TEST(ModelEdit, ARefusedLineChangesNothingEvenAfterEarlierPairs) {
  Json doc = fullDoc();
  const Json before = doc;
  Status s = applyLine(reg(), doc, "set virtual-service web scheduler rr weight 3");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(doc, before);
}

TEST(ModelEdit, ValuesWithSpacesAndQuotesRoundTrip) {
  Json doc = Json::object();
  ASSERT_TRUE(applyLine(reg(), doc,
      R"(set l7-service s default-action respond body "say \"hi\" \\ bye" content-type 'text/plain')").ok());
  EXPECT_EQ(doc["l7_services"][0]["default_action"]["respond"]["body"], "say \"hi\" \\ bye");
  const std::vector<std::string> lines = renderSetLines(reg(), doc);
  EXPECT_EQ(lines[0], R"(set l7-service s default-action respond content-type text/plain)");
  EXPECT_EQ(lines[1], R"(set l7-service s default-action respond body "say \"hi\" \\ bye")");
  EXPECT_EQ(replay(lines), doc);
}

std::vector<std::string> ruleNames(const Json& doc) {
  std::vector<std::string> names;
  for (const Json& rule : doc["l7_services"][1]["rules"]) names.push_back(rule["name"]);
  return names;
}

TEST(ModelEdit, InsertMovesARuleBeforeOrAfterAnother) {
  Json doc = fullDoc();
  using Names = std::vector<std::string>;
  ASSERT_EQ(ruleNames(doc), (Names{"wac", "owa", "admin", "hello"}));
  ASSERT_TRUE(applyLine(reg(), doc, "insert l7-service owa rule hello before wac").ok());
  EXPECT_EQ(ruleNames(doc), (Names{"hello", "wac", "owa", "admin"}));
  ASSERT_TRUE(applyLine(reg(), doc, "insert l7-service owa rule hello after admin").ok());
  EXPECT_EQ(ruleNames(doc), (Names{"wac", "owa", "admin", "hello"}));
  ASSERT_TRUE(applyLine(reg(), doc, "insert l7-service owa rule wac after owa").ok());
  EXPECT_EQ(ruleNames(doc), (Names{"owa", "wac", "admin", "hello"}));
  ASSERT_TRUE(applyLine(reg(), doc, "insert l7-service owa pool exchange real 192.0.2.42:443 before 192.0.2.41:443").ok());
  EXPECT_EQ(doc["l7_services"][1]["pools"][0]["reals"][0]["address"], "192.0.2.42");
  ASSERT_TRUE(applyLine(reg(), doc, "insert l7-service owa before http-redirect").ok());
  EXPECT_EQ(doc["l7_services"][0]["name"], "owa");
}

TEST(ModelEdit, SplitWordsHandlesQuotesAndEscapes) {
  auto w = splitWords(R"(  set a "b c" 'd "e"' f\ g "" x)");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"set", "a", "b c", "d \"e\"", "f g", "", "x"}));
  EXPECT_EQ(splitWords(R"(set "open)").error(), "unterminated double quote");
  EXPECT_EQ(splitWords("set x\\").error(), "the line ends with a lone backslash");
}

TEST(ModelEdit, DurationsAndSizesTakeUnits) {
  Json doc = Json::object();
  ASSERT_TRUE(applyLine(reg(), doc, "set virtual-service v check type tcp interval-s 2m timeout-s 30s").ok());
  EXPECT_EQ(doc["virtual_services"][0]["check"]["interval_s"], 120);
  EXPECT_EQ(doc["virtual_services"][0]["check"]["timeout_s"], 30);
  ASSERT_TRUE(applyLine(reg(), doc, "set l7-service s max-request-body 2G").ok());
  EXPECT_EQ(doc["l7_services"][0]["max_request_body"], int64_t(2) << 30);
  EXPECT_EQ(renderSetLines(reg(), doc).back(), "set l7-service s max-request-body 2G");
}

TEST(ModelEdit, CanonicalDropsEmptyListsAndOrdersFields) {
  Json doc = Json::parse(R"({"routes": [], "ports": [{"role": "external", "name": "ext"}]})");
  EXPECT_EQ(canonical(reg(), doc).dump(), R"({"ports":[{"name":"ext","role":"external"}]})");
}

}  // namespace
}  // namespace vlb::model
