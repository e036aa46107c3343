#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "mgmt/control/command_registry.h"
#include "mgmt/control/control_server.h"
#include "mgmt/daemon/eal_args.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

CommandRegistry registry() {
  CommandRegistry r;
  r.add("show interfaces", "ports", [](const Words& a) -> Result<json> {
    return json{{"args", a}};
  });
  r.add("show", "everything", [](const Words&) -> Result<json> { return json{{"all", true}}; });
  r.add("fail", "always fails", [](const Words&) -> Result<json> { return fail("it broke"); });
  return r;
}

TEST(CommandRegistry, LongestCommandWinsAndTheRestAreArguments) {
  auto r = registry();
  auto got = r.dispatch({"show", "interfaces", "ext"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["args"], json({"ext"}));
  EXPECT_TRUE((*r.dispatch({"show"}))["all"].get<bool>());
}

TEST(CommandRegistry, UnknownAndEmptyCommandsSayWhat) {
  auto r = registry();
  EXPECT_EQ(r.dispatch({"frobnicate", "now"}).error(), "unknown command \"frobnicate now\"; try \"help\"");
  EXPECT_EQ(r.dispatch({}).error(), "empty command; try \"help\"");
}

TEST(ControlServer, RequestsAndRepliesAreJsonLines) {
  EventLoop loop;
  auto r = registry();
  ControlServer server(loop, r);
  auto ok = json::parse(server.handleRequest(R"({"command": ["show", "interfaces"]})"));
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(ok["result"]["args"], json::array());
  auto failed = json::parse(server.handleRequest(R"({"command": ["fail"]})"));
  EXPECT_FALSE(failed["ok"].get<bool>());
  EXPECT_EQ(failed["error"], "it broke");
  for (const char* bad : {"not json", "[]", R"({"command": "show"})", R"({"command": [1]})"}) {
    auto reply = json::parse(server.handleRequest(bad));
    EXPECT_FALSE(reply["ok"].get<bool>()) << bad;
    EXPECT_NE(reply["error"].get<std::string>().find("bad request"), std::string::npos) << bad;
  }
}

// A real socket in a temporary directory, served by the loop in the test's own thread.
class ControlSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vlb-control-" + std::to_string(getpid()));
    path_ = (dir_ / "vlbd.sock").string();
    ASSERT_TRUE(server_.listen(path_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int connectClient() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path_.c_str());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }
  void serve(int rounds = 5) {
    for (int i = 0; i < rounds; ++i) loop_.runOnce(1);
  }
  // What the server sent before closing; "" when it closed without an answer.
  std::string readAll(int fd) {
    std::string out;
    char buf[4096];
    for (int i = 0; i < 50; ++i) {
      serve(1);
      ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) out.append(buf, size_t(n));
      if (n == 0 || (n < 0 && errno != EAGAIN)) break;
    }
    close(fd);
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
  EventLoop loop_;
  CommandRegistry registry_ = registry();
  ControlServer server_{loop_, registry_, std::chrono::milliseconds(50), std::chrono::milliseconds(150)};
};

TEST_F(ControlSocketTest, AnswersARequest) {
  int fd = connectClient();
  const std::string req = R"({"command": ["show", "interfaces", "x"]})" "\n";
  ASSERT_EQ(write(fd, req.data(), req.size()), ssize_t(req.size()));
  auto reply = json::parse(readAll(fd));
  EXPECT_EQ(reply["result"]["args"], json({"x"}));
}

TEST_F(ControlSocketTest, ClosesOversizeRequestsWithoutAnswering) {
  int fd = connectClient();
  const std::string big(ControlServer::kMaxRequest + 10, 'x');
  std::thread writer([&] { (void)!write(fd, big.data(), big.size()); });
  std::string got;
  for (int i = 0; i < 20 && server_.connectionCount() == 0; ++i) serve(1);
  for (int i = 0; i < 200 && server_.connectionCount() > 0; ++i) serve(1);
  shutdown(fd, SHUT_WR);
  writer.join();
  EXPECT_EQ(server_.connectionCount(), 0u);
  EXPECT_EQ(readAll(fd), "");
}

TEST_F(ControlSocketTest, ClosesAnUnfinishedRequestAfterTheTimeout) {
  int fd = connectClient();
  ASSERT_EQ(write(fd, "{\"comm", 6), 6);
  serve();
  EXPECT_EQ(server_.connectionCount(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  server_.expireIdle();
  EXPECT_EQ(server_.connectionCount(), 0u);
  close(fd);
}

TEST_F(ControlSocketTest, AnIdleSessionLivesUntilTheIdleTimeout) {
  int fd = connectClient();
  serve();
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  server_.expireIdle();
  EXPECT_EQ(server_.connectionCount(), 1u) << "past the request timeout, within the idle one";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_.expireIdle();
  EXPECT_EQ(server_.connectionCount(), 0u);
  close(fd);
}

// A session: several requests on one connection, answered in order, one line each.
TEST_F(ControlSocketTest, OneConnectionCarriesManyRequests) {
  int fd = connectClient();
  const std::string two = R"({"command": ["show", "interfaces", "a"]})" "\n"
                          R"({"complete": "show int"})" "\n";
  ASSERT_EQ(write(fd, two.data(), two.size()), ssize_t(two.size()));
  std::string got;
  char buf[4096];
  for (int i = 0; i < 100 && std::count(got.begin(), got.end(), '\n') < 2; ++i) {
    serve(1);
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) got.append(buf, size_t(n));
  }
  const size_t eol = got.find('\n');
  ASSERT_NE(eol, std::string::npos);
  EXPECT_EQ(json::parse(got.substr(0, eol))["result"]["args"], json({"a"}));
  EXPECT_EQ(json::parse(got.substr(eol + 1))["result"], json({"interfaces"}));
  EXPECT_EQ(server_.connectionCount(), 1u) << "the session stays open";
  close(fd);
}

TEST(CommandRegistry, RolesAreEnforcedWithTheReason) {
  CommandRegistry r;
  r.add("show x", "", [](const Words&) -> Result<json> { return json("x"); });
  r.add("set", "", [](const Words&, Session&) -> Result<json> { return json("set"); }, Role::kAdmin);
  Session op;
  op.role = Role::kOperator, op.user = "olga", op.why_role = "group vlbops";
  EXPECT_TRUE(r.dispatch({"show", "x"}, op).ok());
  auto denied = r.dispatch({"set", "a"}, op);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error(),
            "permission denied: \"set\" needs the admin role; olga is operator (group vlbops)");
  Session nobody;
  nobody.user = "eve", nobody.why_role = "neither in group vlbadmin nor in group vlbops";
  EXPECT_EQ(r.dispatch({"show", "x"}, nobody).error(),
            "permission denied: \"show x\" needs the operator role; eve is not admitted (neither in "
            "group vlbadmin nor in group vlbops)");
  EXPECT_EQ(r.complete({}, "s", op), std::vector<std::string>{"show"}) << "no admin words offered";
}

TEST(CommandRegistry, CompletesCommandWordsAndHandsArgumentsToTheCommand) {
  CommandRegistry r;
  r.add("show virtual-service", "", [](const Words&, Session&) -> Result<json> { return json(1); },
        Role::kOperator,
        [](const Words& args, const std::string& partial, const Session&) {
          std::vector<std::string> out;
          if (args.empty())
            for (std::string name : {"owa", "lync", "web"})
              if (name.rfind(partial, 0) == 0) out.push_back(name);
          return out;
        });
  r.add("show virtual-services", "", [](const Words&) -> Result<json> { return json(2); });
  Session admin;
  admin.role = Role::kAdmin;
  EXPECT_EQ(r.complete({"show"}, "vi", admin),
            (std::vector<std::string>{"virtual-service", "virtual-services"}));
  EXPECT_EQ(r.complete({"show", "virtual-service"}, "", admin),
            (std::vector<std::string>{"lync", "owa", "web"}));
  EXPECT_EQ(r.complete({"show", "virtual-service"}, "w", admin), (std::vector<std::string>{"web"}));
}

TEST_F(ControlSocketTest, HoldsAtMostTheCapAndServesTheRestLater) {
  std::vector<int> idle;
  // One at a time: a UNIX connect() blocks while the listen backlog is full.
  for (size_t i = 0; i < ControlServer::kMaxConnections + 5; ++i) {
    idle.push_back(connectClient());
    serve(1);
  }
  EXPECT_EQ(server_.connectionCount(), ControlServer::kMaxConnections);
  for (int fd : idle) close(fd);
  serve(50);  // the closed ones are noticed, the backlog is accepted and closed in turn
  int fd = connectClient();
  const std::string req = R"({"command": ["show"]})" "\n";
  ASSERT_EQ(write(fd, req.data(), req.size()), ssize_t(req.size()));
  EXPECT_TRUE(json::parse(readAll(fd))["ok"].get<bool>());
}

TEST(EalArguments, LabConfigBuildsAVdevPerPortWithoutHugepages) {
  auto cfg = config::parseConfig(config::defaultConfigJson());
  ASSERT_TRUE(cfg.ok()) << cfg.error();
  cfg->eal.memory_mb = 0;
  const auto args = ealArguments(*cfg, "vlbd");
  auto has = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) != args.end(); };
  EXPECT_TRUE(has("--no-huge"));
  EXPECT_TRUE(has("--no-shconf"));
  EXPECT_FALSE(has("--in-memory"));
  EXPECT_TRUE(has("-m512"));
  EXPECT_TRUE(has("--lcores=0-1"));
  EXPECT_TRUE(has("--vdev=net_af_packet0,iface=ext0"));
  EXPECT_TRUE(has("--vdev=net_af_packet1,iface=int0"));
  cfg->ports[0].devargs = "0000:03:00.0";
  EXPECT_TRUE([&] {
    auto a = ealArguments(*cfg, "vlbd");
    return std::find(a.begin(), a.end(), "-a0000:03:00.0") != a.end();
  }());
}

}  // namespace
}  // namespace vlb::mgmt
