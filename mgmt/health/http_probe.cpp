// The http and https checks: connect, TLS handshake (https), send one request with
// Connection: close, read the answer until HttpCheckParser decides. All steps non-blocking.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "mgmt/health/http_check_parser.h"
#include "mgmt/health/probes.h"
#include "mgmt/health/socket_util.h"

namespace vlb::health {
namespace {

enum class Io : uint8_t { kDone, kWantRead, kWantWrite, kEof, kFailed };

std::string requestText(const CheckSpec& spec, const ProbeTarget& target) {
  std::string host = spec.host;
  if (host.empty()) {
    host = ipv4Text(target.address);
    const uint16_t usual = spec.type == CheckType::kHttps ? 443 : 80;
    if (target.port != usual) host += ":" + std::to_string(target.port);
  }
  std::string out = spec.method == HttpMethod::kHead ? "HEAD " : "GET ";
  out += spec.path + " HTTP/1.1\r\nHost: " + host +
         "\r\nUser-Agent: vlb-health\r\nAccept: */*\r\nConnection: close\r\n";
  if (!spec.extra_header.empty()) out += spec.extra_header + "\r\n";
  return out + "\r\n";
}

class HttpProbe final : public Probe {
 public:
  HttpProbe(const CheckSpec& spec, const ProbeTarget& target)
      : spec_(spec),
        target_(target),
        request_(requestText(spec, target)),
        parser_(spec.method == HttpMethod::kHead, spec.expect, target.body) {
    // Our own reference: a config change may drop the checker's contexts while we connect.
    if (target_.tls) SSL_CTX_up_ref(target_.tls);
  }

  SSL_SESSION* takeSession() override {
    if (ssl_ == nullptr || !outcome_ || outcome_->reason != Reason::kOk) return nullptr;
    return SSL_get1_session(ssl_);
  }

  ~HttpProbe() override {
    if (ssl_) {
      // The exchange ended as planned: mark it closed so OpenSSL keeps the session resumable.
      if (outcome_ && outcome_->reason == Reason::kOk)
        SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      SSL_free(ssl_);
    }
    if (target_.tls) SSL_CTX_free(target_.tls);
  }

  std::optional<Outcome> start() override {
    Reason why = Reason::kLocalError;
    fd_ = openTcpSocket(spec_.source, why);
    if (fd_ < 0) return Outcome{why};
    if (auto failed = startConnect(fd_, target_.address, target_.port)) return Outcome{*failed};
    want_ = EPOLLOUT;
    return std::nullopt;
  }

  std::optional<Outcome> onReady(uint32_t events) override {
    if (step_ == Step::kConnecting) {
      if (const int err = connectError(fd_, events)) return Outcome{reasonFromErrno(err)};
      if (target_.tls == nullptr) {
        step_ = Step::kSending;
      } else if (auto failed = startTls()) {
        return failed;
      }
    }
    for (int round = 0; round < 16; ++round) {  // bounded work per wake-up; epoll calls again
      Io io = Io::kDone;
      switch (step_) {
        case Step::kConnecting:
          return Outcome{Reason::kLocalError};
        case Step::kHandshake:
          io = handshake();
          break;
        case Step::kSending:
          io = send();
          break;
        case Step::kReceiving:
          io = receive();
          break;
      }
      if (outcome_) {
        closeWithReset(fd_);  // decided: no FIN exchange and no TIME_WAIT on either side
        return outcome_;
      }
      if (io == Io::kWantRead) want_ = EPOLLIN;
      if (io == Io::kWantWrite) want_ = EPOLLOUT;
      if (io == Io::kWantRead || io == Io::kWantWrite) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  enum class Step : uint8_t { kConnecting, kHandshake, kSending, kReceiving };

  std::optional<Outcome> startTls() {
    ssl_ = SSL_new(target_.tls);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return Outcome{Reason::kLocalError};
    if (target_.session) SSL_set_session(ssl_, target_.session);
    std::string name = spec_.host.substr(0, spec_.host.rfind(':'));
    if (!name.empty() && !parseIpv4(name)) {
      SSL_set_tlsext_host_name(ssl_, name.c_str());
      if (spec_.tls_verify) SSL_set1_host(ssl_, name.c_str());
    }
    step_ = Step::kHandshake;
    return std::nullopt;
  }

  // An OpenSSL call's failure as Io; sets outcome_ when the check is over.
  Io sslFailure(int ret) {
    const int err = SSL_get_error(ssl_, ret);
    if (err == SSL_ERROR_WANT_READ) return Io::kWantRead;
    if (err == SSL_ERROR_WANT_WRITE) return Io::kWantWrite;
    if (err == SSL_ERROR_ZERO_RETURN) return Io::kEof;
    const int saved_errno = errno;
    ERR_clear_error();
    if (err == SSL_ERROR_SYSCALL && saved_errno != 0 && step_ != Step::kHandshake)
      outcome_ = Outcome{reasonFromErrno(saved_errno)};
    else if (err == SSL_ERROR_SYSCALL && step_ != Step::kHandshake)
      return Io::kEof;
    else
      outcome_ = Outcome{Reason::kTlsError};
    return Io::kFailed;
  }

  Io handshake() {
    errno = 0;
    const int ret = SSL_connect(ssl_);
    if (ret == 1) {
      step_ = Step::kSending;
      return Io::kDone;
    }
    return sslFailure(ret);
  }

  Io send() {
    while (sent_ < request_.size()) {
      const char* data = request_.data() + sent_;
      const size_t left = request_.size() - sent_;
      ssize_t n;
      if (ssl_) {
        errno = 0;
        const int ret = SSL_write(ssl_, data, int(left));
        if (ret <= 0) {
          const Io io = sslFailure(ret);
          if (io == Io::kEof) outcome_ = Outcome{Reason::kClosed};
          return io;
        }
        n = ret;
      } else {
        n = ::send(fd_, data, left, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::kWantWrite;
        if (n < 0) {
          outcome_ = Outcome{reasonFromErrno(errno)};
          return Io::kFailed;
        }
      }
      sent_ += size_t(n);
    }
    step_ = Step::kReceiving;
    return Io::kWantRead;
  }

  Io receive() {
    char buf[16 * 1024];
    ssize_t n;
    if (ssl_) {
      errno = 0;
      const int ret = SSL_read(ssl_, buf, sizeof buf);
      if (ret <= 0) {
        const Io io = sslFailure(ret);
        if (io == Io::kEof) outcome_ = parser_.finishAtEof();
        return io;
      }
      n = ret;
    } else {
      n = recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::kWantRead;
      if (n < 0) {
        outcome_ = Outcome{reasonFromErrno(errno)};
        return Io::kFailed;
      }
      if (n == 0) {
        outcome_ = parser_.finishAtEof();
        return Io::kEof;
      }
    }
    outcome_ = parser_.feed(std::string_view(buf, size_t(n)));
    return Io::kDone;
  }

  CheckSpec spec_;
  ProbeTarget target_;
  std::string request_;
  HttpCheckParser parser_;
  Step step_ = Step::kConnecting;
  SSL* ssl_ = nullptr;
  size_t sent_ = 0;
  std::optional<Outcome> outcome_;
};

}  // namespace

std::unique_ptr<Probe> makeHttpProbe(const CheckSpec& spec, const ProbeTarget& target) {
  return std::make_unique<HttpProbe>(spec, target);
}

std::unique_ptr<Probe> makeProbe(const CheckSpec& spec, const ProbeTarget& target) {
  switch (spec.type) {
    case CheckType::kTcp:
      return makeTcpProbe(spec, target);
    case CheckType::kHttp:
    case CheckType::kHttps:
      return makeHttpProbe(spec, target);
    case CheckType::kIcmp:
      return makeIcmpProbe(spec, target);
    case CheckType::kNone:
      break;
  }
  return nullptr;
}

}  // namespace vlb::health
