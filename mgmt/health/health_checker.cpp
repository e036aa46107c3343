// HealthChecker: scheduling with jitter, one epoll set for every probe socket and a timerfd,
// timeouts, results into RealHealth, events out, live reconfiguration.
#include "mgmt/health/health_checker.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "mgmt/health/probe.h"

namespace vlb::health {

struct HealthChecker::Entry {
  Entry(const RealCheck& c, TimePoint now, uint64_t entry_id, uint16_t icmp)
      : key(c.real),
        spec(c.spec),
        health(now, c.spec.timing.rise, c.spec.timing.fall, c.spec.type == CheckType::kNone,
               c.admin),
        id(entry_id),
        echo_id(icmp) {}

  RealKey key;
  CheckSpec spec;
  RealHealth health;
  uint64_t id;  // key of its timer
  uint16_t echo_id;
  SSL_CTX* tls = nullptr;
  std::shared_ptr<const BodyMatcher> body;
  std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)> tls_session{nullptr, SSL_SESSION_free};
  std::unique_ptr<Probe> probe;
  uint64_t probe_token = 0;  // epoll data of the probe's socket
  uint32_t registered = 0;   // events the probe's socket is registered for
  TimePoint started{};
  TimePoint due = TimePoint::max();
};

namespace {
constexpr auto kTimerSlack = std::chrono::duration_cast<Clock::duration>(Duration(4));
}  // namespace

std::string HealthEvent::text() const {
  return realKeyText(real) + " " + std::string(healthStateName(from)) + " -> " +
         std::string(healthStateName(to)) + " (" + reasonText(reason, status) + ")";
}

Result<std::unique_ptr<HealthChecker>> HealthChecker::create(EventCallback on_event,
                                                             uint64_t seed) {
  const int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return fail("health checker: epoll_create1 failed: " + std::to_string(errno));
  const int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (tfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev) != 0) {
    const int err = errno;
    close(epfd);
    if (tfd >= 0) close(tfd);
    return fail("health checker: timerfd setup failed: " + std::to_string(err));
  }
  if (seed == 0) seed = std::random_device{}();
  return std::unique_ptr<HealthChecker>(new HealthChecker(std::move(on_event), epfd, tfd, seed));
}

HealthChecker::HealthChecker(EventCallback on_event, int epfd, int timerfd, uint64_t seed)
    : on_event_(std::move(on_event)),
      epfd_(epfd),
      timerfd_(timerfd),
      rng_(seed),
      next_echo_id_(uint16_t(rng_())),  // apart from other checkers' echoes on raw sockets
      tls_(std::make_unique<TlsClientContexts>()) {}

HealthChecker::~HealthChecker() {
  entries_.clear();  // probes close their sockets
  close(timerfd_);
  close(epfd_);
}

TimePoint HealthChecker::nextDeadline() const {
  return timers_.empty() ? TimePoint::max() : timers_.begin()->first;
}

void HealthChecker::run(TimePoint now) {
  uint64_t expirations = 0;
  if (read(timerfd_, &expirations, sizeof expirations) > 0) armed_for_ = TimePoint::max();
  for (int round = 0; round < 64; ++round) {  // bounded: 64 × 64 socket events per run
    epoll_event events[64];
    const int n = epoll_wait(epfd_, events, 64, 0);
    for (int i = 0; i < n; ++i) {
      const uint64_t token = events[i].data.u64;
      auto it = by_token_.find(token);
      if (token == 0 || it == by_token_.end()) continue;
      if (it->second->probe && it->second->probe_token == token)
        onProbeReady(*it->second, events[i].events, now);
    }
    if (n < 64) break;
  }
  // Due timers: a check to start, or one that ran out of time. A timeout may make the next start
  // due at once; the bound keeps a burst from looping.
  for (size_t budget = 2 * entries_.size() + 16; budget > 0 && !timers_.empty(); --budget) {
    auto [due, id] = *timers_.begin();
    if (due > now) break;
    timers_.erase(timers_.begin());
    Entry& e = *by_token_.at(id);
    e.due = TimePoint::max();
    if (e.probe)
      finishCheck(e, CheckResult{Reason::kTimeout, 0, Duration(0)}, now);
    else
      startCheck(e, now);
  }
  armTimer();
  deliverEvents();
}

void HealthChecker::onProbeReady(Entry& e, uint32_t events, TimePoint now) {
  std::optional<Outcome> outcome = e.probe->onReady(events);
  if (outcome) {
    finishCheck(e, CheckResult{outcome->reason, outcome->status, Duration(0)}, now);
    return;
  }
  const uint32_t want = e.probe->wantedEvents();
  if (want != e.registered) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = e.probe_token;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, e.probe->fd(), &ev);
    e.registered = want;
  }
}

void HealthChecker::startCheck(Entry& e, TimePoint now) {
  ProbeTarget target{e.key.address, e.spec.port ? e.spec.port : e.key.port,
                     e.echo_id,     e.tls,
                     e.body,        e.tls_session.get()};
  e.probe = makeProbe(e.spec, target);
  if (!e.probe) return;  // type none: never checked
  e.started = now;
  ++counters_.checks_started;
  ++counters_.running;
  if (std::optional<Outcome> at_once = e.probe->start()) {
    finishCheck(e, CheckResult{at_once->reason, at_once->status, Duration(0)}, now);
    return;
  }
  e.probe_token = next_token_++;
  by_token_[e.probe_token] = &e;
  epoll_event ev{};
  ev.events = e.probe->wantedEvents();
  ev.data.u64 = e.probe_token;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, e.probe->fd(), &ev) != 0) {
    finishCheck(e, CheckResult{Reason::kLocalError, 0, Duration(0)}, now);
    return;
  }
  e.registered = ev.events;
  schedule(e, now + e.spec.timing.effectiveTimeout());
}

void HealthChecker::finishCheck(Entry& e, const CheckResult& result, TimePoint now) {
  if (e.probe)
    if (SSL_SESSION* session = e.probe->takeSession()) e.tls_session.reset(session);
  if (!result.ok()) e.tls_session.reset();  // a failing real gets a full handshake next time
  stopProbe(e);
  CheckResult r = result;
  r.latency = std::chrono::duration_cast<Duration>(now - e.started);
  ++(r.ok() ? counters_.checks_passed : counters_.checks_failed);
  note(e.key, e.health.record(r, now));
  schedule(e, std::max(now, e.started + jittered(e.spec.timing, false)));
}

void HealthChecker::stopProbe(Entry& e) {
  if (!e.probe) return;
  if (e.probe_token != 0) {
    // Closing the socket (the probe's destructor) takes it out of the epoll set.
    by_token_.erase(e.probe_token);
    e.probe_token = 0;
  }
  e.probe.reset();
  e.registered = 0;
  --counters_.running;
  schedule(e, TimePoint::max());
}

void HealthChecker::schedule(Entry& e, TimePoint due) {
  if (e.due != TimePoint::max()) timers_.erase({e.due, e.id});
  e.due = due;
  if (due != TimePoint::max()) timers_.insert({due, e.id});
}

void HealthChecker::scheduleFirst(Entry& e, TimePoint now) {
  if (e.spec.type == CheckType::kNone) return;
  schedule(e, now + jittered(e.spec.timing, true));
}

Duration HealthChecker::jittered(const CheckTiming& t, bool first) {
  const int64_t spread = t.interval.count() * int64_t(t.jitter_percent) / 100;
  if (spread == 0) return first ? Duration(0) : t.interval;
  if (first) return Duration(std::uniform_int_distribution<int64_t>(0, spread)(rng_));
  return t.interval + Duration(std::uniform_int_distribution<int64_t>(-spread, spread)(rng_));
}

void HealthChecker::note(const RealKey& real, const std::optional<Transition>& t) {
  if (!t) return;
  ++counters_.events;
  pending_events_.push_back(HealthEvent{real, t->from, t->to, t->reason, t->status, t->at});
}

void HealthChecker::deliverEvents() {
  std::vector<HealthEvent> events;
  events.swap(pending_events_);
  if (on_event_)
    for (const HealthEvent& ev : events) on_event_(ev);
}

void HealthChecker::armTimer() {
  // Deadlines are rounded up to the timer slack so that checks due close together start in one
  // run() (one wake-up instead of one per check); a start or timeout is late by < kTimerSlack.
  TimePoint next = nextDeadline();
  if (next != TimePoint::max()) {
    const auto since_epoch = next.time_since_epoch();
    next = TimePoint(since_epoch + kTimerSlack - since_epoch % kTimerSlack);
  }
  if (next == armed_for_) return;
  armed_for_ = next;
  itimerspec spec{};
  if (next != TimePoint::max()) {
    const auto ns = std::max<int64_t>(
        1, std::chrono::duration_cast<std::chrono::nanoseconds>(next.time_since_epoch()).count());
    spec.it_value.tv_sec = ns / 1000000000;
    spec.it_value.tv_nsec = ns % 1000000000;
  }
  timerfd_settime(timerfd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

Status HealthChecker::setChecks(const std::vector<RealCheck>& checks, TimePoint now) {
  std::set<RealKey> seen;
  auto tls = std::make_unique<TlsClientContexts>();
  std::vector<SSL_CTX*> contexts(checks.size(), nullptr);
  std::vector<std::shared_ptr<const BodyMatcher>> matchers(checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    const RealCheck& c = checks[i];
    const std::string who = "health check of real " + realKeyText(c.real);
    if (!seen.insert(c.real).second) return fail(who + ": the real is listed twice");
    if (Status s = validateCheckSpec(c.spec, who); !s) return s;
    const bool needs_port = c.spec.type == CheckType::kTcp || c.spec.type == CheckType::kHttp ||
                            c.spec.type == CheckType::kHttps;
    if (needs_port && c.spec.port == 0 && c.real.port == 0)
      return fail(who +
                  ": check port is 0 and the real has no port of its own: set the check port");
    const bool http = c.spec.type == CheckType::kHttp || c.spec.type == CheckType::kHttps;
    if (http && !c.spec.body_pattern.empty()) {
      auto matcher = BodyMatcher::make(c.spec.body_pattern, c.spec.body_regex);
      if (!matcher) return fail(who + ": " + matcher.error());
      matchers[i] = *matcher;
    }
    if (c.spec.type != CheckType::kHttps) continue;
    auto ctx = tls->get(c.spec.tls_verify, c.spec.ca_file);
    if (!ctx) return fail(who + ": " + ctx.error());
    contexts[i] = *ctx;
  }
  // Valid: apply. Entries not in `checks` are dropped after the loop.
  std::map<RealKey, std::unique_ptr<Entry>> next;
  for (size_t i = 0; i < checks.size(); ++i) {
    const RealCheck& c = checks[i];
    auto old = entries_.extract(c.real);
    std::unique_ptr<Entry> e;
    if (old.empty()) {
      e = std::make_unique<Entry>(c, now, next_token_++, next_echo_id_++);
      by_token_[e->id] = e.get();
      scheduleFirst(*e, now);
    } else {
      e = std::move(old.mapped());
      if (!(e->spec == c.spec)) {
        stopProbe(*e);
        e->tls_session.reset();
        const bool was_none = e->spec.type == CheckType::kNone;
        const bool is_none = c.spec.type == CheckType::kNone;
        e->spec = c.spec;
        if (was_none != is_none) {
          const HealthState before = e->health.state();
          e->health =
              RealHealth(now, c.spec.timing.rise, c.spec.timing.fall, is_none, e->health.admin());
          if (e->health.state() != before)
            note(e->key, Transition{before, e->health.state(), Reason::kConfig, 0, now});
        } else {
          e->health.restartCounts(c.spec.timing.rise, c.spec.timing.fall);
        }
        scheduleFirst(*e, now);
      }
      note(e->key, e->health.setAdmin(c.admin, now));
    }
    e->tls = contexts[i];
    e->body = matchers[i];
    next.emplace(c.real, std::move(e));
  }
  for (auto& [key, e] : entries_) {
    stopProbe(*e);
    schedule(*e, TimePoint::max());
    by_token_.erase(e->id);
  }
  entries_ = std::move(next);
  tls_ = std::move(tls);  // running probes hold their own reference to the old contexts
  counters_.reals = entries_.size();
  armTimer();
  deliverEvents();
  return Ok{};
}

Status HealthChecker::setAdminState(const RealKey& real, AdminState admin, TimePoint now) {
  auto it = entries_.find(real);
  if (it == entries_.end())
    return fail("real " + realKeyText(real) + " has no health entry: it is not in any service");
  note(real, it->second->health.setAdmin(admin, now));
  deliverEvents();
  return Ok{};
}

RealHealthView HealthChecker::view(const Entry& e) const {
  const RealHealth& h = e.health;
  RealHealthView v;
  v.real = e.key;
  v.type = e.spec.type;
  v.state = h.state();
  v.check_state = h.checkState();
  v.admin = h.admin();
  v.since = h.since();
  v.last_reason = h.lastResult().reason;
  v.last_status = h.lastResult().status;
  v.last_latency = h.lastResult().latency;
  v.last_check_at = h.lastCheckAt();
  v.consecutive_passes = h.consecutivePasses();
  v.consecutive_failures = h.consecutiveFailures();
  v.checks = h.checks();
  v.failed_checks = h.failedChecks();
  v.transitions = h.transitions();
  return v;
}

std::vector<RealHealthView> HealthChecker::snapshot() const {
  std::vector<RealHealthView> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_) out.push_back(view(*e));
  return out;
}

std::optional<RealHealthView> HealthChecker::find(const RealKey& real) const {
  auto it = entries_.find(real);
  if (it == entries_.end()) return std::nullopt;
  return view(*it->second);
}

CheckerCounters HealthChecker::counters() const { return counters_; }

}  // namespace vlb::health
