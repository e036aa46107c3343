// One check in flight against one real: a non-blocking socket and the steps of its protocol.
// The HealthChecker owns the epoll registration and the timeout; a probe only reacts to readiness.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "mgmt/health/body_matcher.h"
#include "mgmt/health/check_spec.h"
#include "mgmt/health/health_types.h"

namespace vlb::health {

struct Outcome {
  Reason reason = Reason::kOk;
  uint16_t status = 0;
};

class Probe {
 public:
  virtual ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Opens the socket and sends what it can; an outcome at once when the check ended already.
  virtual std::optional<Outcome> start() = 0;
  // The socket is ready for what wantedEvents() asked, or has an error or hang-up.
  virtual std::optional<Outcome> onReady(uint32_t events) = 0;

  // https: the TLS session of a check that passed, for the next check of the same real to resume
  // (no certificate exchange); the caller owns the reference. Null for other checks.
  virtual SSL_SESSION* takeSession() { return nullptr; }

  int fd() const { return fd_; }
  uint32_t wantedEvents() const { return want_; }  // EPOLLIN or EPOLLOUT

 protected:
  Probe() = default;
  int fd_ = -1;
  uint32_t want_ = 0;
};

// Where and how to check; `tls` is the context for https (not owned, may be null otherwise).
struct ProbeTarget {
  uint32_t address = 0;  // host byte order
  uint16_t port = 0;     // the check port: spec.port or the real's port
  uint16_t echo_id = 0;  // identifier of an ICMP echo (raw sockets)
  SSL_CTX* tls = nullptr;
  std::shared_ptr<const BodyMatcher> body;  // http(s) with a body pattern, else null
  SSL_SESSION* session = nullptr;           // https: resume this session (not owned)
};

std::unique_ptr<Probe> makeProbe(const CheckSpec& spec, const ProbeTarget& target);

}  // namespace vlb::health
