// -c and -f scripts: splitting with line numbers, comments, and stopping at the first error.
#include <gtest/gtest.h>

#include <sstream>

#include "fake_vlbd.h"
#include "mgmt/shell/script.h"

namespace vlb::shell {
namespace {

using json = nlohmann::ordered_json;

TEST(Script, FileLinesCommentsAndBlankLines) {
  auto s = parseScriptFile("# set up\n\nshow version\n  echo 'a b' # why\necho x; echo y\n", "setup.vlb");
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].where, "setup.vlb:3");
  EXPECT_EQ((*s)[0].words, (Words{"show", "version"}));
  EXPECT_EQ((*s)[1].where, "setup.vlb:4");
  EXPECT_EQ((*s)[1].words, (Words{"echo", "a b"}));
  EXPECT_EQ((*s)[2].where, "setup.vlb:5");
  EXPECT_EQ((*s)[3].where, "setup.vlb:5");
  EXPECT_EQ((*s)[3].words, (Words{"echo", "y"}));
}

TEST(Script, SplitErrorsNameTheLine) {
  auto s = parseScriptFile("echo ok\necho 'unclosed\necho never\n", "x.vlb");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "x.vlb:2: unterminated single quote opened at column 6");
  auto c = parseCommandString("echo a; echo \"b");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "-c: unterminated double quote opened at column 14");
}

TEST(Script, CommandStringIsNumberedByCommand) {
  auto c = parseCommandString("show version; set a 'b; c'; commit");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[1].where, "-c command 2");
  EXPECT_EQ((*c)[1].words, (Words{"set", "a", "b; c"}));
}

TEST(Script, RunsInOrderOnOneSessionAndStopsAtTheFirstError) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  auto script = parseScriptFile("echo one\nset a b\nbogus 'x y'\necho never\n", "s.vlb");
  ASSERT_TRUE(script.ok());
  std::ostringstream out, err;
  EXPECT_EQ(runScript(session, *script, {}, out, err), kExitRefused);
  EXPECT_EQ(err.str(), "vlbsh: s.vlb:3: bogus x\\ y: unknown command \"bogus\"; try \"help\"\n");
  EXPECT_EQ(out.str(), "words: one\n");
  ASSERT_EQ(vlbd.requests().size(), 3u);  // "echo never" was not sent
  EXPECT_EQ(vlbd.connections(), 1u);
}

TEST(Script, AllGoodIsExitZeroAndJsonWhenAsked) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  auto script = parseCommandString("echo a; echo b");
  std::ostringstream out, err;
  EXPECT_EQ(runScript(session, *script, {.json = true}, out, err), kExitOk);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(), json({{"words", {"a"}}}).dump(2) + "\n" + json({{"words", {"b"}}}).dump(2) + "\n");
}

TEST(Script, UnreachableVlbdStopsTheScript) {
  ControlSession session("/nonexistent-dir/vlbd.sock");
  auto script = parseCommandString("show version; show stats");
  std::ostringstream out, err;
  EXPECT_EQ(runScript(session, *script, {}, out, err), kExitRefused);
  EXPECT_EQ(err.str(), "vlbsh: -c command 1: show version: cannot reach vlbd at /nonexistent-dir/vlbd.sock: "
                       "No such file or directory (is vlbd running?)\n");
}

}  // namespace
}  // namespace vlb::shell
