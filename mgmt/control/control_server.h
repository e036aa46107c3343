// The control API: a UNIX stream socket speaking JSON lines. A request is
//   {"command": ["show", "interfaces"]}  → {"ok": true, "result": …} or {"ok": false, "error": "…"}
//   {"complete": "show virt"}            → {"ok": true, "result": ["virtual-service", …]}
// A connection is a session (mgmt/control/session.h): it may send any number of requests, one
// at a time, and keeps its candidate configuration between them; the peer's credentials decide
// its role (mgmt/control/access.h). Replies carry "candidate_changed": true while the session's
// candidate differs from the running configuration (vlbsh shows [edit] in its prompt).
// Limits: a request is at most 64 KiB and must arrive whole within `timeout` (5 s) of its first
// byte; an idle session is closed after `idle` (1 h); at most 64 connections are open at once
// (the rest wait in the listen backlog). None of it can stall the control thread, which also
// carries the exception path.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "mgmt/common/result.h"
#include "mgmt/control/access.h"
#include "mgmt/control/command_registry.h"
#include "mgmt/daemon/event_loop.h"

namespace vlb::mgmt {

class ControlServer {
 public:
  static constexpr size_t kMaxConnections = 64;
  static constexpr size_t kMaxRequest = 64 * 1024;

  ControlServer(EventLoop& loop, const CommandRegistry& commands,
                std::chrono::milliseconds timeout = std::chrono::seconds(5),
                std::chrono::milliseconds idle = std::chrono::hours(1));
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket's directory if needed; refuses to take over a socket another vlbd answers.
  Status listen(const std::string& path);

  // The reply to one request line of `session` (exposed for tests; without one: as the admin).
  std::string handleRequest(const std::string& line, Session& session) const;
  std::string handleRequest(const std::string& line) const;

  // Whether a session's candidate differs from the running configuration (in every reply).
  void setEditing(std::function<bool(const Session&)> editing) { editing_ = std::move(editing); }
  // Called when a session ends (its candidate, locks, pending confirmations…).
  void setOnClose(std::function<void(Session&)> on_close) { on_close_ = std::move(on_close); }
  AccessGroups& access() { return access_; }

  // Closes connections past their deadline; called from the control loop.
  void expireIdle();
  size_t connectionCount() const { return connections_.size(); }

 private:
  struct Connection {
    std::string in;
    std::string out;
    size_t written = 0;
    std::chrono::steady_clock::time_point deadline;
    Session session;
  };
  void armDeadline(Connection& c);
  void writeOut(int fd, Connection& c);
  void accept();
  void pauseAccepting(bool paused);
  void onConnection(int fd, uint32_t events);
  void closeConnection(int fd);

  EventLoop& loop_;
  const CommandRegistry& commands_;
  const std::chrono::milliseconds timeout_;
  const std::chrono::milliseconds idle_;
  AccessGroups access_;
  std::function<bool(const Session&)> editing_;
  std::function<void(Session&)> on_close_;
  uint64_t next_session_ = 1;
  int listen_fd_ = -1;
  std::string path_;
  std::map<int, Connection> connections_;
  bool accepting_ = true;
};

}  // namespace vlb::mgmt
