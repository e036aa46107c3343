// A commit that rebuilds the engines keeps the WebSocket tunnels of the old ones running while new
// connections get the new configuration; the old generation goes away when its last tunnel ends,
// when too many generations are retiring (the oldest is hurried), or when the runtime stops.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "config_builder.h"
#include "loopback_util.h"
#include "mgmt/l7/l7_runtime.h"

namespace vlb::mgmt::l7 {
namespace {

using namespace test;

// A real answering every Upgrade request with 101 and echoing the bytes after it until the proxy
// closes; one thread per connection, all ended by the destructor.
class TunnelReal {
 public:
  TunnelReal() {
    fd_ = listenLoopback(&port_);
    acceptor_ = std::thread([this] {
      while (!stopping_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 100) != 1) continue;
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        std::lock_guard lock(mu_);
        fds_.push_back(c);
        threads_.emplace_back([c] { serve(c); });
      }
    });
  }
  ~TunnelReal() {
    stopping_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int c : fds_) ::shutdown(c, SHUT_RDWR);
    for (auto& t : threads_) t.join();
    for (int c : fds_) close(c);
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  static void serve(int c) {
    timeval tv{30, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    readUntil(c, "\r\n\r\n");
    const std::string ok =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    if (write(c, ok.data(), ok.size()) != ssize_t(ok.size())) return;
    char buf[4096];
    for (int i = 0; i < 10'000; ++i) {
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0 || write(c, buf, size_t(n)) != n) break;
    }
    ::shutdown(c, SHUT_WR);
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// /ws goes to the real; anything else gets `body` from the proxy itself.
config::Config tunnelConfig(uint16_t port, uint16_t real_port, const std::string& body,
                            unsigned client_s) {
  auto s = service("web", config::L7Protocol::kHttp, port);
  s.pools = {pool("web", {real("127.0.0.1", real_port)})};
  config::L7Rule ws{"ws", {}, toPool("web")};
  ws.match.path_prefix = "/ws";
  s.rules = {ws};
  s.default_action.kind = config::RuleAction::Kind::kRespond;
  s.default_action.status = 200;
  s.default_action.body = body;
  s.timeouts.client_s = client_s;  // an engine setting: changing it rebuilds the engines
  config::Config cfg;
  cfg.l7_services = {s};
  return cfg;
}

// A client socket through the upgrade; -1 when the proxy did not answer 101.
int openTunnel(uint16_t port) {
  const int fd = connectLoopback(port);
  if (fd < 0) return -1;
  const std::string req =
      "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  if (write(fd, req.data(), req.size()) != ssize_t(req.size()) ||
      readUntil(fd, "\r\n\r\n").find(" 101 ") == std::string::npos) {
    close(fd);
    return -1;
  }
  return fd;
}

bool echoes(int fd, const std::string& text) {
  if (write(fd, text.data(), text.size()) != ssize_t(text.size())) return false;
  return readUntil(fd, text) == text;
}

bool closedByPeer(int fd) {
  char byte;
  const ssize_t n = read(fd, &byte, 1);  // bounded by the 10 s receive timeout
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

RuntimeOptions options() {
  RuntimeOptions o;
  o.workers = 1;
  o.retire_limit = std::chrono::seconds(60);  // a broken test does not wait for the default hour
  return o;
}

// Waits (bounded: 10 s) until the runtime has `n` retiring generations.
bool retiringBecomes(L7Runtime& rt, size_t n) {
  for (int i = 0; i < 1000; ++i) {
    rt.tick(std::chrono::steady_clock::now());
    if (rt.retiring() == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a count, bounded
  }
  return false;
}

TEST(Retire, WebSocketSurvivesACommitThatRebuildsTheEngine) {
  auto rt = L7Runtime::create(options());
  ASSERT_TRUE(rt.ok());
  TunnelReal backend;
  ASSERT_TRUE((*rt)->apply(tunnelConfig(0, backend.port(), "generation-1", 60)).ok());
  const uint16_t port = (*rt)->port("web");
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "generation-1", 60)).ok());
  ASSERT_TRUE(retiringBecomes(**rt, 0));  // the port-0 engine had nothing to keep
  const int tunnel = openTunnel(port);
  ASSERT_GE(tunnel, 0);
  ASSERT_TRUE(echoes(tunnel, "before the commit"));

  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "generation-2", 30)).ok());
  EXPECT_EQ((*rt)->retiring(), 1u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(echoes(tunnel, "after the commit " + std::to_string(i)));
  EXPECT_NE(fetch(port, "/").find("generation-2"),
            std::string::npos);  // new connections: new config
  EXPECT_EQ((*rt)->retiringConnections(), 1u);
  EXPECT_EQ((*rt)->servicesJson()["retiring_connections"], 1u);

  // The client ends the tunnel: the old generation goes away.
  ::shutdown(tunnel, SHUT_WR);
  EXPECT_TRUE(closedByPeer(tunnel));
  close(tunnel);
  EXPECT_TRUE(retiringBecomes(**rt, 0));
}

TEST(Retire, BeyondMaxRetiringTheOldestGenerationIsHurried) {
  RuntimeOptions o = options();
  o.max_retiring = 1;
  auto rt = L7Runtime::create(o);
  ASSERT_TRUE(rt.ok());
  TunnelReal backend;
  ASSERT_TRUE((*rt)->apply(tunnelConfig(0, backend.port(), "g1", 60)).ok());
  const uint16_t port = (*rt)->port("web");
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "g2", 59)).ok());
  ASSERT_TRUE(retiringBecomes(**rt, 0));
  const int oldest = openTunnel(port);
  ASSERT_GE(oldest, 0);
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "g3", 58)).ok());
  const int middle = openTunnel(port);
  ASSERT_GE(middle, 0);
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "g4", 57)).ok());
  EXPECT_TRUE(closedByPeer(oldest));  // two retiring, one allowed: the oldest is hurried
  EXPECT_TRUE(echoes(middle, "still on"));
  EXPECT_TRUE(retiringBecomes(**rt, 1));
  close(oldest);
  close(middle);
}

TEST(Retire, StopEndsRetiredTunnelsToo) {
  auto rt = L7Runtime::create(options());
  ASSERT_TRUE(rt.ok());
  TunnelReal backend;
  ASSERT_TRUE((*rt)->apply(tunnelConfig(0, backend.port(), "g1", 60)).ok());
  const uint16_t port = (*rt)->port("web");
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "g2", 59)).ok());
  ASSERT_TRUE(retiringBecomes(**rt, 0));
  const int tunnel = openTunnel(port);
  ASSERT_GE(tunnel, 0);
  ASSERT_TRUE((*rt)->apply(tunnelConfig(port, backend.port(), "g3", 58)).ok());
  ASSERT_TRUE(echoes(tunnel, "kept"));
  auto stopped = std::async(std::launch::async, [&rt] { (*rt)->stop(); });
  EXPECT_TRUE(closedByPeer(tunnel));
  const bool ended = stopped.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  close(tunnel);  // on failure this ends the tunnel, so that stop() returns
  EXPECT_TRUE(ended) << "stop() waited for a retired tunnel";
}

}  // namespace
}  // namespace vlb::mgmt::l7
