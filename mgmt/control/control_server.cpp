#include "mgmt/control/control_server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace vlb::mgmt {
namespace {



bool someoneAnswers(const sockaddr_un& addr) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool answered = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return answered;
}

}  // namespace

ControlServer::ControlServer(EventLoop& loop, const CommandRegistry& commands,
                             std::chrono::milliseconds timeout, std::chrono::milliseconds idle)
    : loop_(loop), commands_(commands), timeout_(timeout), idle_(idle) {}

ControlServer::~ControlServer() {
  for (auto& [fd, conn] : connections_) {
    loop_.remove(fd);
    close(fd);
  }
  if (listen_fd_ >= 0) {
    loop_.remove(listen_fd_);
    close(listen_fd_);
    unlink(path_.c_str());
  }
}

Status ControlServer::listen(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return fail("control socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return fail("cannot create the directory of " + path + ": " + ec.message());
  if (someoneAnswers(addr)) return fail("another vlbd already answers on " + path);
  unlink(path.c_str());  // a stale socket of a vlbd that died

  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fail(std::string("socket: ") + strerror(errno));
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    std::string why = strerror(errno);
    close(listen_fd_);
    listen_fd_ = -1;
    return fail("cannot listen on " + path + ": " + why);
  }
  path_ = path;
  // Anyone may connect; the peer's credentials decide what it may do (access.h).
  chmod(path.c_str(), 0666);
  loop_.add(listen_fd_, EPOLLIN, [this](uint32_t) { accept(); });
  return Ok{};
}

void ControlServer::pauseAccepting(bool paused) {
  if (paused == !accepting_) return;
  accepting_ = !paused;
  if (paused)
    loop_.remove(listen_fd_);
  else
    loop_.add(listen_fd_, EPOLLIN, [this](uint32_t) { accept(); });
}

void ControlServer::accept() {
  while (connections_.size() < kMaxConnections) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of file descriptors: wait for a connection to close rather than spin on the
      // listening socket, which stays readable.
      if (errno == EMFILE || errno == ENFILE) pauseAccepting(!connections_.empty());
      return;
    }
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
        !loop_.add(fd, EPOLLIN | EPOLLRDHUP, [this, fd](uint32_t ev) { onConnection(fd, ev); })) {
      close(fd);
      continue;
    }
    Connection& c = connections_[fd];
    c.session.id = next_session_++;
    c.session.pid = cred.pid;
    c.session.uid = cred.uid;
    c.session.gid = cred.gid;
    decideRole(access_, c.session);
    c.deadline = std::chrono::steady_clock::now() + idle_;
  }
  pauseAccepting(true);  // full: the backlog holds the rest until one closes
}

void ControlServer::expireIdle() {
  if (connections_.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  std::vector<int> expired;
  for (const auto& [fd, c] : connections_)
    if (now >= c.deadline) expired.push_back(fd);
  for (int fd : expired) closeConnection(fd);
}

// An unfinished request must arrive within `timeout_`; between requests a session may idle.
void ControlServer::armDeadline(Connection& c) {
  c.deadline = std::chrono::steady_clock::now() + (c.in.empty() ? idle_ : timeout_);
}

void ControlServer::onConnection(int fd, uint32_t events) {
  Connection& c = connections_[fd];
  if (!c.out.empty()) return writeOut(fd, c);
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))) return;
  const bool was_empty = c.in.empty();
  char buf[4096];
  ssize_t n = 0;
  while (c.in.size() <= kMaxRequest && (n = read(fd, buf, sizeof buf)) > 0) c.in.append(buf, size_t(n));
  if (c.in.size() > kMaxRequest && c.in.find('\n') > kMaxRequest) return closeConnection(fd);
  const bool eof = n == 0;
  if (n < 0 && errno != EAGAIN) return closeConnection(fd);
  if (eof && !c.in.empty() && c.in.find('\n') == std::string::npos) c.in.push_back('\n');  // EOF ends it
  const size_t eol = c.in.find('\n');
  if (eol == std::string::npos) {
    if (eof) return closeConnection(fd);
    if (was_empty && !c.in.empty()) armDeadline(c);
    return;
  }
  c.out = handleRequest(c.in.substr(0, eol), c.session) + "\n";
  c.in.erase(0, eol + 1);
  c.written = 0;
  if (eof && c.in.empty()) c.in = std::string();  // nothing more will come: close after the reply
  writeOut(fd, c);
  if (eof && connections_.count(fd)) closeConnection(fd);
}

// Sends the pending reply; then waits for the next request (or, if one is already buffered,
// answers it: requests are handled one at a time, in order).
void ControlServer::writeOut(int fd, Connection& c) {
  while (c.written < c.out.size()) {
    ssize_t n = send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) {
      loop_.remove(fd);
      if (!loop_.add(fd, EPOLLOUT, [this, fd](uint32_t ev) { onConnection(fd, ev); }))
        return closeConnection(fd);
      return;
    }
    if (n <= 0) return closeConnection(fd);
    c.written += size_t(n);
  }
  const bool was_waiting_to_write = !c.out.empty();
  c.out.clear();
  c.written = 0;
  armDeadline(c);
  if (was_waiting_to_write) {
    loop_.remove(fd);
    if (!loop_.add(fd, EPOLLIN | EPOLLRDHUP, [this, fd](uint32_t ev) { onConnection(fd, ev); }))
      return closeConnection(fd);
  }
  const size_t eol = c.in.find('\n');
  if (eol != std::string::npos) {
    c.out = handleRequest(c.in.substr(0, eol), c.session) + "\n";
    c.in.erase(0, eol + 1);
    writeOut(fd, c);
  }
}

void ControlServer::closeConnection(int fd) {
  auto it = connections_.find(fd);
  if (it != connections_.end() && on_close_) on_close_(it->second.session);
  loop_.remove(fd);
  close(fd);
  connections_.erase(fd);
  pauseAccepting(false);
}

std::string ControlServer::handleRequest(const std::string& line) const {
  Session admin;
  admin.role = Role::kAdmin;
  admin.user = "root";
  admin.why_role = "internal";
  return handleRequest(line, admin);
}

std::string ControlServer::handleRequest(const std::string& line, Session& session) const {
  using json = nlohmann::ordered_json;
  json reply;
  auto request = json::parse(line, nullptr, false);
  if (!request.is_discarded() && request.is_object() && request.contains("complete") &&
      request["complete"].is_string()) {
    const std::string text = request["complete"].get<std::string>();
    Words typed = splitWords(text);
    std::string partial;
    if (!text.empty() && !std::isspace(static_cast<unsigned char>(text.back())) && !typed.empty()) {
      partial = typed.back();
      typed.pop_back();
    }
    reply = {{"ok", true}, {"result", commands_.complete(typed, partial, session)}};
    return reply.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
      !request["command"].is_array()) {
    reply = {{"ok", false}, {"error", "bad request: expected {\"command\": [words…]}"}};
    return reply.dump();
  }
  Words words;
  for (const auto& w : request["command"]) {
    if (!w.is_string()) return json({{"ok", false}, {"error", "bad request: words must be strings"}}).dump();
    words.push_back(w.get<std::string>());
  }
  auto result = commands_.dispatch(words, session);
  if (result)
    reply = {{"ok", true}, {"result", *result}};
  else
    reply = {{"ok", false}, {"error", result.error()}};
  if (editing_) reply["candidate_changed"] = editing_(session);
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vlb::mgmt
