// The control API: a UNIX stream socket; each connection sends one JSON line
// {"command": ["show", "interfaces"]} and gets one JSON line back:
// {"ok": true, "result": …} or {"ok": false, "error": "…"}; then the server closes it.
// A request is at most 64 KiB; a connection that has not finished within 5 s is closed; at most
// 64 are open at once (the rest wait in the listen backlog). None of it can stall the control
// thread, which also carries the exception path.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "mgmt/common/result.h"
#include "mgmt/control/command_registry.h"
#include "mgmt/daemon/event_loop.h"

namespace vlb::mgmt {

class ControlServer {
 public:
  static constexpr size_t kMaxConnections = 64;
  static constexpr size_t kMaxRequest = 64 * 1024;

  ControlServer(EventLoop& loop, const CommandRegistry& commands,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket's directory if needed; refuses to take over a socket another vlbd answers.
  Status listen(const std::string& path);

  // The reply to one request line (exposed for tests).
  std::string handleRequest(const std::string& line) const;

  // Closes connections past their deadline; called from the control loop.
  void expireIdle();
  size_t connectionCount() const { return connections_.size(); }

 private:
  struct Connection {
    std::string in;
    std::string out;
    size_t written = 0;
    std::chrono::steady_clock::time_point deadline;
  };
  void accept();
  void pauseAccepting(bool paused);
  void onConnection(int fd, uint32_t events);
  void closeConnection(int fd);

  EventLoop& loop_;
  const CommandRegistry& commands_;
  const std::chrono::milliseconds timeout_;
  int listen_fd_ = -1;
  std::string path_;
  std::map<int, Connection> connections_;
  bool accepting_ = true;
};

}  // namespace vlb::mgmt
