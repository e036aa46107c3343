// ControlSession against a fake vlbd: one connection per session, reconnecting to a vlbd that
// closes after each reply, the [edit] flag, completion requests and their graceful failure.
#include <gtest/gtest.h>

#include "fake_vlbd.h"
#include "mgmt/shell/control_session.h"

namespace vlb::shell {
namespace {

using json = nlohmann::ordered_json;
using testing::FakeVlbd;

TEST(ControlSession, OneConnectionForTheWholeSession) {
  FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  for (int i = 0; i < 5; ++i) {
    auto r = session.call({"echo", std::to_string(i)});
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ((*r)["words"], json({std::to_string(i)}));
  }
  EXPECT_EQ(session.connects(), 1u);
  EXPECT_EQ(vlbd.connections(), 1u);
  ASSERT_EQ(vlbd.requests().size(), 5u);
  EXPECT_EQ(vlbd.requests()[2], json::parse(R"({"command": ["echo", "2"]})"));
}

TEST(ControlSession, ReconnectsToAVlbdThatAnswersOncePerConnection) {
  FakeVlbd vlbd(testing::typicalVlbd(), /*one_request_per_connection=*/true);
  ControlSession session(vlbd.socketPath());
  for (int i = 0; i < 4; ++i) {
    auto r = session.call({"echo", "x"});
    ASSERT_TRUE(r.ok()) << i << ": " << r.error();
  }
  EXPECT_EQ(vlbd.requests().size(), 4u);  // each request reached vlbd exactly once
  EXPECT_EQ(vlbd.connections(), 4u);
  EXPECT_TRUE(session.takeNotices().empty());
}

TEST(ControlSession, RefusalsCarryVlbdsMessage) {
  FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  auto r = session.call({"frobnicate"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown command \"frobnicate\"; try \"help\"");
}

TEST(ControlSession, CandidateChangedFollowsTheReplyField) {
  FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  EXPECT_FALSE(session.candidateChanged());
  ASSERT_TRUE(session.call({"set", "system", "hostname", "lb1"}).ok());
  EXPECT_TRUE(session.candidateChanged());
  ASSERT_TRUE(session.call({"echo"}).ok());  // no field: unchanged
  EXPECT_TRUE(session.candidateChanged());
  ASSERT_TRUE(session.call({"commit"}).ok());
  EXPECT_FALSE(session.candidateChanged());
}

TEST(ControlSession, LosingASessionWithChangesIsSaid) {
  FakeVlbd vlbd(testing::typicalVlbd(), /*one_request_per_connection=*/true);
  ControlSession session(vlbd.socketPath());
  ASSERT_TRUE(session.call({"set", "x", "y"}).ok());
  ASSERT_TRUE(session.call({"echo"}).ok());
  auto notices = session.takeNotices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "vlbd closed the session; the uncommitted candidate changes in it are gone");
  EXPECT_FALSE(session.candidateChanged());
}

TEST(ControlSession, NoVlbdIsAClearError) {
  ControlSession session("/nonexistent-dir/vlbd.sock");
  auto r = session.call({"show", "version"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "cannot reach vlbd at /nonexistent-dir/vlbd.sock: No such file or directory (is vlbd running?)");
  EXPECT_TRUE(session.complete("show ").empty());
}

TEST(ControlSession, NotJsonAndSilenceAreErrors) {
  FakeVlbd silent([](const json&) { return json("not an object"); });
  ControlSession session(silent.socketPath(), std::chrono::milliseconds(200));
  auto r = session.call({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "vlbd sent an answer that is not JSON");
}

TEST(ControlSession, CompletionSendsTheLineAndReturnsCandidates) {
  FakeVlbd vlbd(testing::typicalVlbd());
  ControlSession session(vlbd.socketPath());
  EXPECT_EQ(session.complete("show vi"), (std::vector<std::string>{"version", "virtual-services", "virtual-service"}));
  EXPECT_TRUE(session.complete("nothing").empty());
  EXPECT_EQ(vlbd.requests()[0], json::parse(R"({"complete": "show vi"})"));
  EXPECT_TRUE(session.completionSupported());
  EXPECT_TRUE(session.call({"echo"}).ok());  // the same session goes on
  EXPECT_EQ(vlbd.connections(), 1u);
}

TEST(ControlSession, CompletionDegradesOnAVlbdWithoutIt) {
  // The first control API: anything but {"command": …} is a bad request, then it closes.
  FakeVlbd old([](const json& req) -> json {
    if (!req.contains("command")) return {{"ok", false}, {"error", "bad request: expected {\"command\": [words…]}"}};
    return {{"ok", true}, {"result", {{"fine", true}}}};
  }, /*one_request_per_connection=*/true);
  ControlSession session(old.socketPath());
  EXPECT_TRUE(session.complete("show ").empty());
  EXPECT_FALSE(session.completionSupported());
  EXPECT_TRUE(session.complete("show v").empty());
  EXPECT_EQ(old.requests().size(), 1u);  // not asked again
  auto r = session.call({"show", "version"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE((*r)["fine"].get<bool>());
}

}  // namespace
}  // namespace vlb::shell
