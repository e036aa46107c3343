// L7Runtime on loopback: a service forwarding to a real in this process; commits while a request
// is in flight (rules-only: same engine, new director; engine settings: a new engine, the old one
// finishes the request and retires),
// setRealUp turning the pool's answer into 503, and the show JSON.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "config_builder.h"
#include "loopback_util.h"
#include "mgmt/l7/l7_runtime.h"

namespace vlb::mgmt::l7 {
namespace {

using namespace test;

RuntimeOptions oneWorker() {
  RuntimeOptions o;
  o.workers = 1;
  return o;
}

// One real server answering each connection's request with `body`, after `gate` when given.
class TestReal {
 public:
  explicit TestReal(std::string body) : body_(std::move(body)) { fd_ = listenLoopback(&port_); }
  ~TestReal() {
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }
  // Serves one connection in the background; `received` is set once the request head is in.
  void serveOne(std::promise<void>* received, std::shared_future<void> gate) {
    thread_ = std::thread([this, received, gate] {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10'000) != 1) return;
      int c = accept(fd_, nullptr, nullptr);
      timeval tv{10, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      readUntil(c, "\r\n\r\n");
      received->set_value();
      gate.wait_for(std::chrono::seconds(10));
      const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                               "\r\n\r\n" + body_;
      (void)!write(c, resp.data(), resp.size());
      readUntil(c, "\x01never");  // until the proxy closes or times out
      close(c);
    });
  }

 private:
  std::string body_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

config::Config withService(uint16_t port, uint16_t real_port, const std::string& fixed_body) {
  auto s = service("web", config::L7Protocol::kHttp, port);
  s.pools = {pool("web", {real("127.0.0.1", real_port)})};
  config::L7Rule slow{"slow", {}, toPool("web")};
  slow.match.path_prefix = "/slow";
  s.rules = {slow};
  s.default_action.kind = config::RuleAction::Kind::kRespond;
  s.default_action.status = 200;
  s.default_action.body = fixed_body;
  config::Config cfg;
  cfg.l7_services = {s};
  return cfg;
}

// Starts a request to /slow that waits at the real; returns the client socket.
int startSlowRequest(uint16_t port, TestReal& backend, std::promise<void>& received,
                     std::promise<void>& release) {
  backend.serveOne(&received, release.get_future().share());
  int slow = connectLoopback(port);
  const std::string req = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n";
  if (slow < 0 || write(slow, req.data(), req.size()) != ssize_t(req.size())) return -1;
  if (received.get_future().wait_for(std::chrono::seconds(10)) != std::future_status::ready) return -1;
  return slow;
}

// Waits (bounded) until retired engines have stopped.
void settle(L7Runtime& rt) {
  for (int i = 0; i < 500 && rt.retiring() > 0; ++i) {
    rt.tick(std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded: 5 s at most
  }
}

TEST(Runtime, RulesOnlyCommitSwapsTheDirectorWithoutRestart) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  TestReal backend("from-the-real");
  ASSERT_TRUE((*rt)->apply(withService(0, backend.port(), "generation-0")).ok());
  const uint16_t port = (*rt)->port("web");
  ASSERT_NE(port, 0);
  // The port the kernel picked, written into the config: a listener change (a new engine).
  ASSERT_TRUE((*rt)->apply(withService(port, backend.port(), "generation-1")).ok());
  settle(**rt);
  ASSERT_EQ((*rt)->retiring(), 0u);
  EXPECT_NE(fetch(port, "/").find("generation-1"), std::string::npos);
  std::promise<void> received, release;
  const int slow = startSlowRequest(port, backend, received, release);
  ASSERT_GE(slow, 0);

  ASSERT_TRUE((*rt)->apply(withService(port, backend.port(), "generation-2")).ok());
  EXPECT_EQ((*rt)->retiring(), 0u);  // the same engine goes on
  EXPECT_NE(fetch(port, "/").find("generation-2"), std::string::npos);
  release.set_value();
  const std::string slow_answer = readUntil(slow, "from-the-real");
  close(slow);
  EXPECT_NE(slow_answer.find("200 OK"), std::string::npos) << slow_answer;
  EXPECT_NE(slow_answer.find("from-the-real"), std::string::npos) << slow_answer;
  // Counters went on: 3 requests on this engine; the pool's request count went back to 0.
  auto j = (*rt)->servicesJson()["l7_services"][0];
  EXPECT_EQ(j["requests"].get<uint64_t>(), 3u);
  EXPECT_EQ(j["pools"][0]["reals"][0]["active_requests"].get<uint64_t>(), 0u);
}

TEST(Runtime, ListenerCommitRetiresTheOldEngineAfterItsRequests) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  TestReal backend("from-the-real");
  ASSERT_TRUE((*rt)->apply(withService(0, backend.port(), "generation-1")).ok());
  const uint16_t port = (*rt)->port("web");
  std::promise<void> received, release;
  const int slow = startSlowRequest(port, backend, received, release);
  ASSERT_GE(slow, 0);

  auto next = withService(port, backend.port(), "generation-2");
  next.l7_services[0].timeouts.client_s = 30;  // an engine setting: a new engine on the same port
  ASSERT_TRUE((*rt)->apply(next).ok());
  EXPECT_EQ((*rt)->retiring(), 1u);
  release.set_value();
  const std::string slow_answer = readUntil(slow, "from-the-real");
  close(slow);
  EXPECT_NE(slow_answer.find("from-the-real"), std::string::npos) << slow_answer;

  // The old engine has no request left: it stops, and every new connection gets generation 2.
  settle(**rt);
  EXPECT_EQ((*rt)->retiring(), 0u);
  for (int i = 0; i < 5; ++i) EXPECT_NE(fetch(port, "/").find("generation-2"), std::string::npos);
}

// A connection accepted by the old engine that has not sent its request when a commit rebuilds the
// engines is still answered (by the old engine, with Connection: close), not closed unanswered.
TEST(Runtime, ListenerCommitAnswersAConnectionWaitingForItsFirstRequest) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  TestReal backend("unused");
  ASSERT_TRUE((*rt)->apply(withService(0, backend.port(), "generation-1")).ok());
  const uint16_t port = (*rt)->port("web");
  // A keep-alive connection that got its answer: the old engine closes it at once when it drains.
  const int served = connectLoopback(port);
  ASSERT_GE(served, 0);
  const std::string first = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(write(served, first.data(), first.size()), ssize_t(first.size()));
  ASSERT_NE(readUntil(served, "generation-1").find("generation-1"), std::string::npos);
  const int fresh = connectLoopback(port);  // connected, nothing sent yet
  ASSERT_GE(fresh, 0);

  auto next = withService(port, backend.port(), "generation-2");
  next.l7_services[0].timeouts.client_s = 30;  // an engine setting: a new engine on the same port
  ASSERT_TRUE((*rt)->apply(next).ok());
  EXPECT_EQ(readUntil(served, "\x01never"), "");  // closed: the old engine drains now
  close(served);
  const std::string req = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(write(fresh, req.data(), req.size()), ssize_t(req.size()));
  const std::string answer = readUntil(fresh, "\x01never");  // until the proxy closes
  close(fresh);
  EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
  EXPECT_NE(answer.find("generation-1"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  settle(**rt);
  EXPECT_EQ((*rt)->retiring(), 0u);
}

TEST(Runtime, RealDownGives503AndShowsState) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  ASSERT_TRUE((*rt)->apply(withService(0, 9, "x")).ok());
  const std::string real = "127.0.0.1:9";
  EXPECT_FALSE((*rt)->setRealUp("web", "127.0.0.1:10", false).ok());
  EXPECT_FALSE((*rt)->setRealUp("nope", real, false).ok());
  ASSERT_TRUE((*rt)->setRealUp("web", real, false).ok());
  const std::string answer = fetch((*rt)->port("web"), "/slow");
  EXPECT_NE(answer.find("503"), std::string::npos) << answer;
  auto j = (*rt)->servicesJson();
  ASSERT_EQ(j["l7_services"].size(), 1u);
  EXPECT_EQ(j["l7_services"][0]["state"], "down");
  EXPECT_EQ(j["l7_services"][0]["pools"][0]["reals"][0]["state"], "down");
  EXPECT_GE(j["l7_services"][0]["requests"].get<uint64_t>(), 1u);
  // The verdict survives a commit that rebuilds the service.
  auto next = withService((*rt)->port("web"), 9, "changed");
  ASSERT_TRUE((*rt)->apply(next).ok());
  EXPECT_EQ((*rt)->servicesJson()["l7_services"][0]["pools"][0]["reals"][0]["state"], "down");
  ASSERT_TRUE((*rt)->setRealUp("web", real, true).ok());
  EXPECT_EQ((*rt)->servicesJson()["l7_services"][0]["state"], "up");
}

TEST(Runtime, HttpsWithoutCertificateGetsAFlaggedGeneratedOne) {
  auto rt = L7Runtime::create(oneWorker());
  ASSERT_TRUE(rt.ok());
  auto cfg = withService(0, 9, "x");
  cfg.l7_services[0].protocol = config::L7Protocol::kHttps;
  ASSERT_TRUE((*rt)->apply(cfg).ok());
  auto certs = (*rt)->certificatesJson()["certificates"];
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_TRUE(certs[0]["generated"].get<bool>());
  EXPECT_EQ(certs[0]["key_type"], "ECDSA");
  EXPECT_GT(certs[0]["days_left"].get<int64_t>(), 800);
  EXPECT_EQ(certs[0]["services"][0], "web");
}

}  // namespace
}  // namespace vlb::mgmt::l7
