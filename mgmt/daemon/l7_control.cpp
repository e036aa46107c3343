// The control thread's side of the L7 services: the L7 runtime (mgmt/l7) created with the first
// configuration, reapplied on every commit, ticked once a second from this thread's event loop
// (ticket-key rotation, source-persistence expiry, joining retired engines), access logs reopened
// on SIGHUP, and the `show l7-services` / `show certificates` commands.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/l7/l7_runtime.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

// The runtime's file descriptors on the event loop (one appliance per process).
struct L7Fds {
  int timer = -1;
  int hangup = -1;
};

std::map<const void*, L7Fds>& fdsOf() {
  static std::map<const void*, L7Fds> fds;
  return fds;
}

}  // namespace

Status Appliance::startL7() {
  // A commit starts new listeners beside the old ones (SO_REUSEPORT) and then closes the old:
  // with this the kernel hands connections still queued on a closing listener to the new one
  // instead of resetting them (Linux 5.14+, per network namespace).
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/tcp_migrate_req", "w")) {
    std::fputs("1", f);
    std::fclose(f);
  } else {
    logLine("l7: cannot set net.ipv4.tcp_migrate_req: connections queued during a commit may be reset");
  }
  auto runtime = l7::L7Runtime::create({});
  if (!runtime) return Error{runtime.error()};
  l7_ = std::shared_ptr<l7::L7Runtime>(std::move(*runtime));
  if (auto st = l7_->apply(cfg_); !st) {
    l7_.reset();
    return st;
  }
  if (auto st = syncTransparentRules(cfg_); !st) {
    l7_.reset();
    return st;
  }
  L7Fds& fds = fdsOf()[this];
  fds.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fds.timer >= 0) {
    itimerspec every_second{{1, 0}, {1, 0}};
    timerfd_settime(fds.timer, 0, &every_second, nullptr);
    loop_.add(fds.timer, EPOLLIN, [this, fd = fds.timer](uint32_t) {
      uint64_t expirations = 0;
      if (read(fd, &expirations, sizeof expirations) < 0) return;
      if (l7_) l7_->tick(std::chrono::steady_clock::now());
    });
  } else {
    logLine("l7: no timerfd: ticket keys will not rotate");
  }
  // SIGHUP reopens the access logs (logrotate). It must be blocked in every thread for the
  // signalfd to see it: main() blocks it with SIGTERM and SIGINT.
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &hup, nullptr);
  fds.hangup = signalfd(-1, &hup, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fds.hangup >= 0) {
    loop_.add(fds.hangup, EPOLLIN, [this, fd = fds.hangup](uint32_t) {
      signalfd_siginfo si;
      while (read(fd, &si, sizeof si) == sizeof si) {
        if (!l7_) continue;
        if (auto st = l7_->reopenLogs(); !st)
          logLine("l7: reopening access logs: " + st.error());
        else
          logLine("l7: access logs reopened on SIGHUP");
      }
    });
  }
  return Ok{};
}

Status Appliance::checkL7(const config::Config& next) {
  return l7_ ? l7_->check(next) : Status{Ok{}};
}

Status Appliance::applyL7(const config::Config& next) {
  if (!l7_) return Ok{};  // before startL7: start() compiles cfg_ itself
  if (auto st = l7_->apply(next); !st) return st;
  if (auto st = syncTransparentRules(next); !st) {
    (void)l7_->apply(cfg_);  // the commit is refused whole
    (void)syncTransparentRules(cfg_);
    return st;
  }
  return Ok{};
}

void Appliance::stopL7() {
  auto it = fdsOf().find(this);
  if (it != fdsOf().end()) {
    for (int fd : {it->second.timer, it->second.hangup})
      if (fd >= 0) {
        loop_.remove(fd);
        close(fd);
      }
    fdsOf().erase(it);
  }
  if (l7_) l7_->stop();
  l7_.reset();
  if (auto st = syncTransparentRules(config::Config{}); !st) logLine(st.error());
}

void Appliance::registerL7Commands() {
  commands_.add("show l7-services",
                "L7 services [NAME]: address, protocol, state, pools and reals, counters",
                [this](const Words& a) -> Result<json> {
    if (a.size() > 1) return fail("show l7-services: expected at most one service name");
    json all = l7_ ? l7_->servicesJson() : json{{"l7_services", json::array()}};
    if (a.empty()) return all;
    for (const auto& s : all["l7_services"])
      if (s["name"] == a[0]) return json{{"l7_services", json::array({s})}};
    return fail("show l7-services: no L7 service \"" + a[0] + "\"");
  });
  commands_.add("reopen access-logs", "reopen the L7 access log files (after logrotate moved them)",
                [this](const Words& a) -> Result<json> {
    if (!a.empty()) return fail("reopen access-logs: takes no arguments");
    if (!l7_) return json{{"reopened", false}};
    if (auto st = l7_->reopenLogs(); !st) return Error{st.error()};
    return json{{"reopened", true}};
  }, Role::kAdmin);
  commands_.add("show certificates",
                "certificates in use: subject, names, issuer, expiry, key type, generated",
                [this](const Words& a) -> Result<json> {
    if (!a.empty()) return fail("show certificates: takes no arguments");
    return l7_ ? l7_->certificatesJson() : json{{"certificates", json::array()}};
  });
}

}  // namespace vlb::mgmt
