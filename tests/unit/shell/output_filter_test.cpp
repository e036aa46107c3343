// vlbsh's output pipes: splitting at `|`, each filter, chains, and refusals with their reason.
#include <gtest/gtest.h>

#include "mgmt/shell/output_filter.h"

namespace vlb::shell {
namespace {

const std::string kConfig =
    "set virtual-service web vip 203.0.113.10\n"
    "set virtual-service web real 192.0.2.11:80\n"
    "set virtual-service mail vip 203.0.113.20\n"
    "set route 0.0.0.0/0 gateway 198.51.100.254\n";

std::string run(const Words& words, const std::string& text = kConfig) {
  auto p = splitPipes(words);
  EXPECT_TRUE(p.ok()) << p.error();
  return p.ok() ? applyFilters(text, p->filters) : "";
}

TEST(OutputFilter, CommandWithoutPipeIsUnchanged) {
  auto p = splitPipes({"show", "running-config"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->command, (Words{"show", "running-config"}));
  EXPECT_TRUE(p->filters.empty());
}

TEST(OutputFilter, MatchExceptCountLast) {
  EXPECT_EQ(run({"show", "running-config", "|", "match", "web"}),
            "set virtual-service web vip 203.0.113.10\nset virtual-service web real 192.0.2.11:80\n");
  EXPECT_EQ(run({"show", "running-config", "|", "except", "virtual-service"}),
            "set route 0.0.0.0/0 gateway 198.51.100.254\n");
  EXPECT_EQ(run({"show", "running-config", "|", "match", "vip 203\\.0\\.113\\.[12]0$"}),
            "set virtual-service web vip 203.0.113.10\nset virtual-service mail vip 203.0.113.20\n");
  EXPECT_EQ(run({"x", "|", "count"}), "Count: 4 lines\n");
  EXPECT_EQ(run({"x", "|", "last", "1"}), "set route 0.0.0.0/0 gateway 198.51.100.254\n");
  EXPECT_EQ(run({"x", "|", "last", "9"}), kConfig);
}

TEST(OutputFilter, FiltersChainInOrder) {
  EXPECT_EQ(run({"x", "|", "match", "virtual-service", "|", "except", "real", "|", "count"}),
            "Count: 2 lines\n");
  auto p = splitPipes({"show", "log", "|", "match", "error", "|", "last", "5"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->command, (Words{"show", "log"}));
  ASSERT_EQ(p->filters.size(), 2u);
}

TEST(OutputFilter, RefusalsSayWhatIsExpected) {
  auto error = [](const Words& w) {
    auto p = splitPipes(w);
    return p.ok() ? std::string("accepted") : p.error();
  };
  EXPECT_EQ(error({"show", "x", "|"}), "| needs a filter after it: match PATTERN, except PATTERN, count or last N");
  EXPECT_EQ(error({"|", "count"}), "| needs a command before it");
  EXPECT_EQ(error({"show", "x", "|", "grep", "a"}),
            "| grep: unknown filter (match PATTERN, except PATTERN, count or last N)");
  EXPECT_EQ(error({"show", "x", "|", "match"}), "| match: expected one PATTERN (quote it if it has blanks)");
  EXPECT_EQ(error({"show", "x", "|", "last", "many"}), "| last: expected a number of lines (1 or more)");
  EXPECT_EQ(error({"show", "x", "|", "count", "1"}), "| count takes nothing after it");
  EXPECT_NE(error({"show", "x", "|", "match", "a("}).find("\"a(\" is not a regular expression"),
            std::string::npos);
}

}  // namespace
}  // namespace vlb::shell
