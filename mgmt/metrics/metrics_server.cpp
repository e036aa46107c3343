// MetricsServer: accepting, reading request heads, answering, keep-alive and idle expiry.
#include "mgmt/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace vlb::metrics {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  const size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string response(int status, const char* reason, const std::string& content_type,
                     const std::string& body, bool keep_alive, const char* extra = "") {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  r += "Content-Type: " + content_type + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += extra;
  r += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return r + body;
}

// End of the request head: the offset just past the blank line, or npos.
size_t headEnd(const std::string& in) {
  const size_t crlf = in.find("\r\n\r\n");
  const size_t lf = in.find("\n\n");
  if (crlf == std::string::npos && lf == std::string::npos) return std::string::npos;
  if (crlf != std::string::npos && (lf == std::string::npos || crlf < lf)) return crlf + 4;
  return lf + 2;
}

}  // namespace

MetricsServer::MetricsServer(mgmt::EventLoop& loop, Provider provider, MetricsServerOptions options)
    : loop_(loop), provider_(std::move(provider)), options_(options) {}

MetricsServer::~MetricsServer() {
  while (!connections_.empty()) closeConnection(connections_.begin()->first);
  if (listen_fd_ >= 0) {
    setAccepting(false);
    close(listen_fd_);
  }
}

Status MetricsServer::listen(const std::string& address, uint16_t port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof *v6;
  } else {
    return fail("metrics listener: address \"" + address + "\" is not an IPv4 or IPv6 address");
  }
  const std::string where = "metrics listener " + address + " port " + std::to_string(port);
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(where + ": socket: " + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 16) != 0) {
    std::string why = strerror(errno);
    close(fd);
    return fail(where + ": " + why);
  }
  len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  listen_fd_ = fd;
  setAccepting(true);
  return Ok{};
}

void MetricsServer::setAccepting(bool on) {
  if (on == accepting_ || listen_fd_ < 0) return;
  accepting_ = on;
  if (on)
    loop_.add(listen_fd_, EPOLLIN, [this](uint32_t) { accept(); });
  else
    loop_.remove(listen_fd_);
}

void MetricsServer::accept() {
  while (connections_.size() < options_.maxConnections) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if ((errno == EMFILE || errno == ENFILE) && !connections_.empty()) setAccepting(false);
      return;
    }
    Connection c;
    c.last_active = Clock::now();
    connections_[fd] = std::move(c);
    if (!loop_.add(fd, EPOLLIN | EPOLLRDHUP, [this, fd](uint32_t ev) { onEvent(fd, ev); })) {
      connections_.erase(fd);
      close(fd);
    }
  }
  setAccepting(false);  // full: the backlog holds the rest until one closes
}

void MetricsServer::watch(int fd, bool for_write) {
  Connection& c = connections_[fd];
  if (c.want_write == for_write) return;
  c.want_write = for_write;
  loop_.remove(fd);
  const uint32_t events = for_write ? EPOLLOUT : (EPOLLIN | EPOLLRDHUP);
  if (!loop_.add(fd, events, [this, fd](uint32_t ev) { onEvent(fd, ev); })) closeConnection(fd);
}

void MetricsServer::closeConnection(int fd) {
  loop_.remove(fd);
  close(fd);
  connections_.erase(fd);
  setAccepting(true);
}

void MetricsServer::expireIdle(Clock::time_point now) {
  std::vector<int> idle;
  for (const auto& [fd, c] : connections_)
    if (now - c.last_active >= options_.idleTimeout) idle.push_back(fd);
  for (int fd : idle) closeConnection(fd);
}

bool MetricsServer::readInput(int fd, Connection& c) {
  char buf[4096];
  while (c.in.size() <= options_.maxRequest) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;  // 0: the peer closed
  }
  return true;
}

void MetricsServer::handleRequests(Connection& c) {
  while (!c.close_after) {
    const size_t end = headEnd(c.in);
    if (end == std::string::npos || end > options_.maxRequest) {
      if (c.in.size() > options_.maxRequest || end != std::string::npos) {
        c.out += response(431, "Request Header Fields Too Large", "text/plain", "request too large\n", false);
        c.close_after = true;
      }
      return;
    }
    bool keep_alive = false;
    c.out += respond(c.in.substr(0, end), &keep_alive);
    c.in.erase(0, end);
    c.close_after = !keep_alive;
  }
}

bool MetricsServer::flush(int fd, Connection& c) {
  while (c.written < c.out.size()) {
    ssize_t n = send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) return false;
    c.written += size_t(n);
  }
  c.out.clear();
  c.written = 0;
  return true;
}

void MetricsServer::onEvent(int fd, uint32_t events) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  c.last_active = Clock::now();
  bool peer_open = true;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    if (events & EPOLLERR) return closeConnection(fd);
    if (!c.close_after) peer_open = readInput(fd, c);
    if (!c.close_after) handleRequests(c);
  }
  if (!flush(fd, c)) return closeConnection(fd);
  if (!c.out.empty()) return watch(fd, true);
  if (c.close_after || !peer_open) return closeConnection(fd);
  watch(fd, false);
}

std::string MetricsServer::respond(const std::string& head, bool* keep_alive) {
  std::istringstream lines(head);
  std::string request_line;
  std::getline(lines, request_line);
  std::istringstream parts(trim(request_line));
  std::string method, target, version, extra;
  parts >> method >> target >> version;
  if (method.empty() || target.empty() || !version.starts_with("HTTP/1.") || (parts >> extra)) {
    *keep_alive = false;
    return response(400, "Bad Request", "text/plain", "bad request line\n", false);
  }
  *keep_alive = version != "HTTP/1.0";
  bool has_body = false;
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string value = lower(trim(line.substr(colon + 1)));
    if (name == "connection" && value == "close") *keep_alive = false;
    if (name == "connection" && value == "keep-alive") *keep_alive = true;
    if (name == "transfer-encoding" || (name == "content-length" && value != "0")) has_body = true;
  }
  if (has_body) *keep_alive = false;  // bodies are not read: the connection cannot go on
  if (method != "GET")
    return response(405, "Method Not Allowed", "text/plain", "only GET\n", *keep_alive, "Allow: GET\r\n");
  const std::string path = target.substr(0, target.find('?'));
  if (path != "/metrics")
    return response(404, "Not Found", "text/plain", "metrics are at /metrics\n", *keep_alive);
  MetricsPage page;
  if (provider_) provider_(page);
  ++scrapes_;
  return response(200, "OK", kContentType, page.text(), *keep_alive);
}

}  // namespace vlb::metrics
