// The control API: a UNIX stream socket; each connection sends one JSON line
// {"command": ["show", "interfaces"]} and gets one JSON line back:
// {"ok": true, "result": …} or {"ok": false, "error": "…"}; then the server closes it.
#pragma once

#include <map>
#include <string>

#include "mgmt/common/result.h"
#include "mgmt/control/command_registry.h"
#include "mgmt/daemon/event_loop.h"

namespace vlb::mgmt {

class ControlServer {
 public:
  ControlServer(EventLoop& loop, const CommandRegistry& commands);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket's directory if needed; refuses to take over a socket another vlbd answers.
  Status listen(const std::string& path);

  // The reply to one request line (exposed for tests).
  std::string handleRequest(const std::string& line) const;

 private:
  struct Connection {
    std::string in;
    std::string out;
    size_t written = 0;
  };
  void accept();
  void onConnection(int fd, uint32_t events);
  void closeConnection(int fd);

  EventLoop& loop_;
  const CommandRegistry& commands_;
  int listen_fd_ = -1;
  std::string path_;
  std::map<int, Connection> connections_;
};

}  // namespace vlb::mgmt
