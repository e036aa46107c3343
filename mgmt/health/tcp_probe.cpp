// The tcp check: the real passes when a TCP connection to the check port is established.
#include <sys/epoll.h>

#include "mgmt/health/probe.h"
#include "mgmt/health/probes.h"
#include "mgmt/health/socket_util.h"

namespace vlb::health {

Probe::~Probe() { closeFd(fd_); }

namespace {

class TcpProbe final : public Probe {
 public:
  TcpProbe(uint32_t source, const ProbeTarget& target) : source_(source), target_(target) {}

  std::optional<Outcome> start() override {
    Reason why = Reason::kLocalError;
    fd_ = openTcpSocket(source_, why);
    if (fd_ < 0) return Outcome{why};
    if (auto failed = startConnect(fd_, target_.address, target_.port)) return Outcome{*failed};
    want_ = EPOLLOUT;
    return std::nullopt;
  }

  std::optional<Outcome> onReady(uint32_t events) override {
    if (const int err = connectError(fd_, events)) return Outcome{reasonFromErrno(err)};
    closeWithReset(fd_);  // as HAProxy's tcp check: no FIN exchange, no TIME_WAIT per check
    return Outcome{Reason::kOk};
  }

 private:
  uint32_t source_;
  ProbeTarget target_;
};

}  // namespace

std::unique_ptr<Probe> makeTcpProbe(const CheckSpec& spec, const ProbeTarget& target) {
  return std::make_unique<TcpProbe>(spec.source, target);
}

}  // namespace vlb::health
