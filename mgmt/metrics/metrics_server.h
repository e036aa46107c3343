// MetricsServer: a small non-blocking HTTP/1.1 server for Prometheus scrapes, run by the control
// thread's EventLoop (no threads of its own). GET /metrics builds a fresh page through the
// provider on each scrape; other paths get 404, other methods 405, requests whose head exceeds
// maxRequest 431, malformed ones 400. Keep-alive is honoured; connections idle past idleTimeout
// are closed by expireIdle(), which the control loop calls with its tick.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "mgmt/common/result.h"
#include "mgmt/daemon/event_loop.h"
#include "mgmt/metrics/exposition.h"

namespace vlb::metrics {

struct MetricsServerOptions {
  size_t maxRequest = 8192;        // bytes of request line and headers
  size_t maxConnections = 32;      // more wait in the listen backlog
  std::chrono::milliseconds idleTimeout{30000};
};

class MetricsServer {
 public:
  // Fills the page for one scrape.
  using Provider = std::function<void(MetricsPage& page)>;
  using Clock = std::chrono::steady_clock;

  MetricsServer(mgmt::EventLoop& loop, Provider provider, MetricsServerOptions options = {});
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // `address` is an IPv4 or IPv6 literal; port 0 picks a free port (see port()).
  Status listen(const std::string& address, uint16_t port);
  uint16_t port() const { return port_; }

  // Closes connections idle since before now - idleTimeout.
  void expireIdle(Clock::time_point now = Clock::now());
  size_t connectionCount() const { return connections_.size(); }
  uint64_t scrapes() const { return scrapes_; }

  // The response to one request head (exposed for tests); sets *keep_alive.
  std::string respond(const std::string& head, bool* keep_alive);

 private:
  struct Connection {
    std::string in, out;
    size_t written = 0;
    bool close_after = false;
    bool want_write = false;
    Clock::time_point last_active;
  };
  void accept();
  void onEvent(int fd, uint32_t events);
  bool readInput(int fd, Connection& c);  // false: peer gone or error
  void handleRequests(Connection& c);
  bool flush(int fd, Connection& c);      // false: error
  void watch(int fd, bool for_write);
  void closeConnection(int fd);
  void setAccepting(bool on);

  mgmt::EventLoop& loop_;
  Provider provider_;
  MetricsServerOptions options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bool accepting_ = false;
  uint64_t scrapes_ = 0;
  std::map<int, Connection> connections_;
};

}  // namespace vlb::metrics
