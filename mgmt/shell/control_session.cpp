// ControlSession: connecting, one JSON line out, one JSON line back, reconnecting when vlbd
// closed the previous connection.
#include "mgmt/shell/control_session.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vlb::shell {
namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

}  // namespace

ControlSession::ControlSession(std::string socket_path, std::chrono::milliseconds reply_timeout)
    : path_(std::move(socket_path)), timeout_(reply_timeout) {}

ControlSession::~ControlSession() { disconnect(); }

void ControlSession::sessionLost() {
  disconnect();
  if (candidate_changed_)
    notices_.push_back("vlbd closed the session; the uncommitted candidate changes in it are gone");
  candidate_changed_ = false;
}

void ControlSession::disconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  answered_on_fd_ = 0;
  pending_.clear();
}

std::vector<std::string> ControlSession::takeNotices() {
  std::vector<std::string> out;
  out.swap(notices_);
  return out;
}

Status ControlSession::ensureConnected() {
  if (fd_ >= 0) {
    // Readable while no request is out means vlbd closed its end (or sent what we did not ask).
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) == 0) return Ok{};
    sessionLost();
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) return fail("socket path too long: " + path_);
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return fail(std::string("cannot create a socket: ") + strerror(errno));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = strerror(errno);
    disconnect();
    return fail("cannot reach vlbd at " + path_ + ": " + why + " (is vlbd running?)");
  }
  ++connects_;
  return Ok{};
}

Result<json> ControlSession::exchange(const json& request) {
  bool retryable = false;
  auto reply = exchangeOnce(request, &retryable);
  // A reused connection that vlbd closed just as we sent (one request per connection, or its
  // idle timeout): the request was never read, so sending it again on a new one is safe.
  if (!reply && retryable) reply = exchangeOnce(request, &retryable);
  return reply;
}

Result<json> ControlSession::exchangeOnce(const json& request, bool* retryable) {
  *retryable = false;
  Status connected = ensureConnected();
  if (!connected) return fail(connected.error());
  const bool reused = answered_on_fd_ > 0;
  const std::string line = request.dump() + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      sessionLost();
      *retryable = reused && (err == EPIPE || err == ECONNRESET);
      const std::string why = strerror(err);
      return fail("cannot send the request to vlbd: " + why);
    }
    sent += size_t(n);
  }
  const auto deadline = Clock::now() + timeout_;
  size_t eol;
  while ((eol = pending_.find('\n')) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int ready = left.count() > 0 ? poll(&p, 1, int(left.count())) : 0;
    if (ready < 0 && errno == EINTR) {
      disconnect();
      return fail("interrupted while waiting for vlbd's answer");
    }
    if (ready <= 0) {
      disconnect();
      return fail("no answer from vlbd within " + (timeout_.count() % 1000 ? std::to_string(timeout_.count()) + " ms"
                                                                        : std::to_string(timeout_.count() / 1000) + " s"));
    }
    char buf[65536];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n > 0) {
      pending_.append(buf, size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    const int err = n < 0 ? errno : 0;
    const bool partial = !pending_.empty();
    *retryable = reused && !partial && (n == 0 || err == ECONNRESET);
    sessionLost();
    if (n == 0 && partial) {
      pending_.clear();
      return fail("vlbd closed the connection in the middle of its answer");
    }
    return fail(n == 0 ? "vlbd closed the connection without answering"
                       : std::string("no answer from vlbd: ") + strerror(err));
  }
  auto reply = json::parse(pending_.substr(0, eol), nullptr, false);
  pending_.erase(0, eol + 1);
  ++answered_on_fd_;
  if (reply.is_discarded() || !reply.is_object()) return fail("vlbd sent an answer that is not JSON");
  if (reply.contains("candidate_changed") && reply["candidate_changed"].is_boolean())
    candidate_changed_ = reply["candidate_changed"].get<bool>();
  return reply;
}

Result<json> ControlSession::call(const Words& words) {
  auto reply = exchange(json{{"command", words}});
  if (!reply) return reply;
  if (!reply->value("ok", false)) {
    const auto& e = (*reply)["error"];
    return fail(e.is_string() ? e.get<std::string>() : std::string("unknown error"));
  }
  return reply->contains("result") ? (*reply)["result"] : json();
}

std::vector<std::string> ControlSession::complete(const std::string& line) {
  std::vector<std::string> out;
  if (!completion_supported_) return out;
  auto reply = exchange(json{{"complete", line}});
  if (!reply) return out;
  if (!reply->value("ok", false)) {
    // The first control API answers "bad request" to anything but a command: stop asking.
    const auto& e = (*reply)["error"];
    if (e.is_string() && e.get<std::string>().starts_with("bad request")) completion_supported_ = false;
    return out;
  }
  const auto& result = (*reply)["result"];
  if (!result.is_array()) return out;
  for (const auto& c : result)
    if (c.is_string()) out.push_back(c.get<std::string>());
  return out;
}

}  // namespace vlb::shell
