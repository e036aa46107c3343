// What Tab inserts or lists, and how results are rendered (text, lines, tables).
#include <gtest/gtest.h>

#include <sstream>

#include "mgmt/shell/completion.h"
#include "mgmt/shell/render.h"

namespace vlb::shell {
namespace {

using json = nlohmann::ordered_json;

TEST(Completion, SingleMatchCompletesTheWordAndAddsABlank) {
  auto p = planCompletion("show virtual-se", {"virtual-services"});
  EXPECT_EQ(p.insert, "rvices ");
  EXPECT_TRUE(p.show.empty());
  EXPECT_EQ(planCompletion("show ", {"version"}).insert, "version ");
  EXPECT_EQ(planCompletion("show version", {"version"}).insert, " ");
}

TEST(Completion, SeveralMatchesInsertTheCommonPrefixThenList) {
  auto p = planCompletion("show v", {"version", "virtual-services", "virtual-service"});
  EXPECT_EQ(p.insert, "");
  EXPECT_EQ(p.show, (std::vector<std::string>{"version", "virtual-service", "virtual-services"}));
  auto q = planCompletion("show vi", {"virtual-services", "virtual-service"});
  EXPECT_EQ(q.insert, "rtual-service");
  EXPECT_TRUE(q.show.empty());
}

TEST(Completion, HintsAreListedNeverInserted) {
  auto p = planCompletion("set virtual-service web address ", {"<ipv4>"});
  EXPECT_EQ(p.insert, "");
  EXPECT_EQ(p.show, (std::vector<std::string>{"<ipv4>"}));
}

TEST(Completion, QuotedAndEscapedWords) {
  EXPECT_EQ(planCompletion("set real-name 'my se", {"my server"}).insert, "rver' ");
  EXPECT_EQ(planCompletion("set real-name my\\ se", {"my server"}).insert, "rver ");
  EXPECT_EQ(planCompletion("set x ", {"two words"}).insert, "two\\ words ");
}

TEST(Completion, NothingOffered) {
  auto p = planCompletion("show ", {});
  EXPECT_EQ(p.insert, "");
  EXPECT_TRUE(p.show.empty());
}

TEST(Completion, CandidatesInColumns) {
  EXPECT_EQ(formatCandidates({"a", "bbb", "cc"}, 10), "a    bbb\ncc\n");
  EXPECT_EQ(formatCandidates({"x"}, 80), "x\n");
}

std::string rendered(const json& result) {
  std::ostringstream out;
  render(out, {}, result);
  return out.str();
}

TEST(Render, TextIsVerbatimAndLinesOneEach) {
  EXPECT_EQ(rendered({{"text", "{\n  \"a\": 1\n}\n"}}), "{\n  \"a\": 1\n}\n");
  EXPECT_EQ(rendered({{"text", "no newline"}}), "no newline\n");
  EXPECT_EQ(rendered({{"lines", {"+ set a 1", "- set b 2"}}}), "+ set a 1\n- set b 2\n");
  EXPECT_EQ(rendered(nullptr), "");
}

TEST(Render, TablesAsBefore) {
  json rows = {{"services", {{{"name", "web"}, {"port", 80}}, {{"name", "mail"}, {"port", 443}}}}};
  EXPECT_EQ(rendered(rows), "name  port  \nweb   80    \nmail  443   \n");
  EXPECT_EQ(rendered({{"text", "x"}, {"other", 1}}), "text: x\nother: 1\n");  // not a text result
}

}  // namespace
}  // namespace vlb::shell
