// The shell's word splitter: quotes, escapes, ';', comments, errors; and quoting words back.
#include <gtest/gtest.h>

#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {
namespace {

std::vector<Words> split(const std::string& line) {
  auto r = splitCommands(line);
  EXPECT_TRUE(r.ok()) << line << ": " << r.error();
  return r.ok() ? *r : std::vector<Words>{};
}

TEST(WordSplitter, BlanksSeparateWords) {
  EXPECT_EQ(split("  show   virtual-services\t"), (std::vector<Words>{{"show", "virtual-services"}}));
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("   \t ").empty());
}

TEST(WordSplitter, SingleQuotesKeepEverything) {
  EXPECT_EQ(split(R"(set comment 'a "b" \n; # c')"),
            (std::vector<Words>{{"set", "comment", R"(a "b" \n; # c)"}}));
  EXPECT_EQ(split("x ''"), (std::vector<Words>{{"x", ""}}));
}

TEST(WordSplitter, DoubleQuotesEscapeOnlyQuoteAndBackslash) {
  EXPECT_EQ(split(R"(set body "say \"hi\" \\ \n 'x'")"),
            (std::vector<Words>{{"set", "body", R"(say "hi" \ \n 'x')"}}));
}

TEST(WordSplitter, BackslashOutsideQuotesEscapesTheNextCharacter) {
  EXPECT_EQ(split(R"(a\ b c\;d \#e \\)"), (std::vector<Words>{{"a b", "c;d", "#e", "\\"}}));
}

TEST(WordSplitter, QuotesJoinAdjacentText) {
  EXPECT_EQ(split(R"(pre'mid dle'"post")"), (std::vector<Words>{{"premid dlepost"}}));
}

TEST(WordSplitter, SemicolonsAndNewlinesSeparateCommands) {
  EXPECT_EQ(split("show version; show stats;;  ;show drops\nhelp"),
            (std::vector<Words>{{"show", "version"}, {"show", "stats"}, {"show", "drops"}, {"help"}}));
}

TEST(WordSplitter, HashStartsACommentOnlyAtAWordStart) {
  EXPECT_EQ(split("set url /a#b # the rest ; is ignored"), (std::vector<Words>{{"set", "url", "/a#b"}}));
  EXPECT_EQ(split("# only a comment"), std::vector<Words>{});
  EXPECT_EQ(split("a # c\nb"), (std::vector<Words>{{"a"}, {"b"}}));
}

TEST(WordSplitter, ErrorsSayWhatAndWhere) {
  auto single = splitCommands("set x 'abc");
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.error(), "unterminated single quote opened at column 7");
  auto dbl = splitCommands(R"(a "b\")");
  ASSERT_FALSE(dbl.ok());
  EXPECT_EQ(dbl.error(), "unterminated double quote opened at column 3");
  auto bs = splitCommands("a b\\");
  ASSERT_FALSE(bs.ok());
  EXPECT_EQ(bs.error(), "the line ends with a backslash: nothing for it to escape");
}

TEST(WordSplitter, PartialWordStart) {
  EXPECT_EQ(partialWordStart("show virt"), 5u);
  EXPECT_EQ(partialWordStart("show "), 5u);
  EXPECT_EQ(partialWordStart(""), 0u);
  EXPECT_EQ(partialWordStart("set comment 'two wo"), 12u);
  EXPECT_EQ(partialWordStart("a\\ b"), 0u);
  EXPECT_EQ(partialWordStart("x; y"), 3u);
  EXPECT_EQ(unquotePartial("'two wo"), "two wo");
  EXPECT_EQ(unquotePartial("a\\ b"), "a b");
}

TEST(WordSplitter, QuoteWordRoundTrips) {
  for (const std::string w : {"plain", "two words", "it's", "a\"b", "semi;colon", "#hash", "back\\slash", ""}) {
    auto back = splitCommands("cmd " + quoteWord(w));
    ASSERT_TRUE(back.ok()) << w;
    ASSERT_EQ(back->size(), 1u) << w;
    EXPECT_EQ((*back)[0], (Words{"cmd", w})) << quoteWord(w);
  }
  EXPECT_EQ(quoteWord("plain"), "plain");
}

}  // namespace
}  // namespace vlb::shell
