// The worker's epoll loop: accept, dispatch, timers, deferred frees, draining on stop.
#include "l7/proxy/worker.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "l7/proxy/session.h"
#include "l7/proxy/socket_util.h"

namespace vlb::l7::proxy {

int64_t monotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t monotonicUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Connections accepted per listener event. One, like nginx without multi_accept: a connection's
// first step runs at once (for TLS the server's whole first flight, signature included), so a
// burst accepted together made the connections already under way wait for all of those
// handshakes. The listener is level-triggered: the rest come on the next turns, between the
// other connections' events. Measured (perf/README.md, "L7"): RSA-2048 full handshakes p99
// 28-31 -> 16-17 ms and p50 15 -> 3 ms at the same rate and CPU; ECDSA +7 % handshakes/s.
constexpr int kAcceptsPerEvent = 1;

struct Worker::Listener : EventHandler {
  Listener(Worker& w, ServiceRuntime& s) : worker(w), service(s) {}
  ~Listener() override {
    if (fd >= 0) ::close(fd);
  }
  void onEvents(uint32_t) override { worker.accept(*this, kAcceptsPerEvent); }
  Worker& worker;
  ServiceRuntime& service;
  int fd = -1;
};

struct Worker::Waker : EventHandler {
  void onEvents(uint32_t) override {}  // the loop checks stop_ after every batch
};

Worker::Worker(unsigned index, const EngineConfig& config, std::vector<ServiceRuntime> services)
    : index_(index),
      config_(config),
      services_(std::move(services)),
      pool_(*this, config.max_idle_per_endpoint) {}

Worker::~Worker() {
  join();
  listeners_.clear();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epfd_ >= 0) ::close(epfd_);
}

Status Worker::open() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epfd_ < 0 || wake_fd_ < 0)
    return fail("l7 worker " + std::to_string(index_) + ": epoll/eventfd: " + std::strerror(errno));
  waker_ = std::make_unique<Waker>();
  watchAs(wake_fd_, waker_.get(), EPOLLIN);  // level-triggered, like the listeners
  for (ServiceRuntime& s : services_) {
    auto fd = openListener("service '" + s.config->name + "'", s.address, s.config->backlog);
    if (!fd) return fail(fd.error());
    auto l = std::make_unique<Listener>(*this, s);
    l->fd = *fd;
    watchAs(l->fd, l.get(), EPOLLIN);  // level-triggered: one accept per event
    listeners_.push_back(std::move(l));
  }
  return Ok{};
}

void Worker::start() {
  std::vector<int> listener_fds;
  for (const auto& l : listeners_) listener_fds.push_back(l->fd);
  thread_ = std::thread([this] { run(); });
  fd_table_.wait(kUndecided);
  // The listeners now live in the worker's table: our copies would keep them listening (and
  // taking connections nobody accepts) after the worker closes them at its drain.
  if (fd_table_.load() == kPrivate)
    for (int fd : listener_fds) ::close(fd);
}

bool Worker::takePrivateFdTable() {
  // close_range() is what empties the copy of everything else; without it, stay shared.
  if (close_range(~0U, ~0U, 0) != 0 || unshare(CLONE_FILES) != 0) return false;
  std::vector<int> keep = {epfd_, wake_fd_};
  for (const auto& l : listeners_) keep.push_back(l->fd);
  std::sort(keep.begin(), keep.end());
  // The copy holds every fd the process had; the worker keeps stdin/out/err and its own. Any other
  // copy kept here would hold its file open after its owner closed it (a peer would never see
  // the close).
  unsigned from = 3;
  for (int fd : keep) {
    if (unsigned(fd) > from) close_range(from, unsigned(fd) - 1, 0);
    from = std::max(from, unsigned(fd) + 1);
  }
  close_range(from, ~0U, 0);
  return true;
}

void Worker::requestStop() {
  stop_.store(true);
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::watch(int fd, EventHandler* h, uint32_t events) {
  watchAs(fd, h, events | EPOLLET);
}

void Worker::watchAs(int fd, EventHandler* h, uint32_t events) {
  if (h->registered && h->registered_events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = h;
  if (epoll_ctl(epfd_, h->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) == 0) {
    h->registered = true;
    h->registered_events = events;
  }
}

void Worker::watchLazily(int fd, EventHandler* h, uint32_t events) {
  constexpr uint32_t kReadBits = EPOLLIN | EPOLLRDHUP;
  events |= EPOLLET;
  const uint32_t extra = h->registered_events & ~events;
  if (h->registered && (events & ~h->registered_events) == 0 && (extra & ~kReadBits) == 0) return;
  watchAs(fd, h, events);
}

void Worker::unwatch(int fd, EventHandler* h) {
  if (!h->registered) return;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  h->registered = false;
  h->registered_events = 0;
}

void Worker::retire(EventHandler* h) {
  if (h->dead) return;
  h->dead = true;
  retired_.push_back(h);
}

std::unique_ptr<http::ResponseParser> Worker::borrowResponseParser() {
  if (spare_parsers_.empty()) return std::make_unique<http::ResponseParser>(config_.limits);
  auto p = std::move(spare_parsers_.back());
  spare_parsers_.pop_back();
  return p;
}

void Worker::returnResponseParser(std::unique_ptr<http::ResponseParser> p) {
  if (spare_parsers_.size() < 256) spare_parsers_.push_back(std::move(p));
}

std::unique_ptr<http::RequestParser> Worker::borrowRequestParser() {
  if (spare_request_parsers_.empty()) return std::make_unique<http::RequestParser>(config_.limits);
  auto p = std::move(spare_request_parsers_.back());
  spare_request_parsers_.pop_back();
  return p;
}

void Worker::returnRequestParser(std::unique_ptr<http::RequestParser> p) {
  p->reset();
  if (spare_request_parsers_.size() < 256) spare_request_parsers_.push_back(std::move(p));
}

void Worker::schedule(Session* s) { ready_.push_back(s); }

void Worker::tick() {
  now_us_ = monotonicUs();
  now_ms_ = now_us_ / 1000;
  unix_ms_ = -1;
}

int64_t Worker::unixMs() {
  if (unix_ms_ < 0)
    unix_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  return unix_ms_;
}

void Worker::sessionClosed(Session* s) {
  sessions_.erase(s);
  clients_.fetch_sub(1, std::memory_order_relaxed);
}

void Worker::accept(Listener& l, int max) {
  for (int i = 0; i < max && !draining_; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd =
        accept4(l.fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or an error the next event retries (EMFILE...)
    const int one = 1;   // responses leave in one write each; Nagle would only add delay
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage local{};
    len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    SSL* ssl = nullptr;
    if (l.service.config->server_tls) {
      ssl = SSL_new(l.service.config->server_tls);
      if (!ssl) {
        ::close(fd);
        continue;
      }
      SSL_set_accept_state(ssl);
    }
    auto* s = new Session(*this, l.service, fd, ssl, peer, local);
    sessions_.insert(s);
    clients_.fetch_add(1, std::memory_order_relaxed);
    s->begin();
  }
}

void Worker::runReady() {
  std::vector<Session*> batch;
  batch.swap(ready_);
  for (Session* s : batch)
    if (!s->dead) s->pump();
}

void Worker::freeRetired() {
  std::erase_if(ready_, [](Session* s) { return s->dead; });
  std::vector<EventHandler*> batch;
  batch.swap(retired_);
  for (EventHandler* h : batch) delete h;
}

void Worker::releaseIdleMemory() {
  const int64_t cutoff = now_ms_ - config_.idle_release.count();
  std::erase_if(idle_holders_, [cutoff](Session* s) { return !s->releaseIdleMemory(cutoff); });
  next_idle_release_ms_ = now_ms_ + config_.idle_release.count();
}

void Worker::beginDrain() {
  // Connections already queued on our listeners would be reset when it closes: take them first
  // (they are then served like any connection that has not had its first answer).
  for (auto& l : listeners_) accept(*l, std::max(l->service.config->backlog, 64));
  draining_ = true;
  // A retiring engine keeps its tunnels and requests under way: each ends on its own or by its
  // own timeouts (tunnel idle, server, client header); timeouts.retire bounds them all, and
  // hurry() (vlbd stopping, too many retired engines) turns this into an ordinary drain.
  const bool keep = keep_streams_.load() && !hurry_.load();
  drain_deadline_ = now_ms_ + (keep ? config_.timeouts.retire : config_.timeouts.drain).count();
  for (auto& l : listeners_) unwatch(l->fd, l.get());
  listeners_.clear();
  pool_.closeAll();
  std::vector<Session*> all(sessions_.begin(), sessions_.end());
  for (Session* s : all) s->onDrain(keep);
  drain_begun_.store(true);
  drain_begun_.notify_all();
}

void Worker::hurryDrain() {
  drain_deadline_ = std::min(drain_deadline_, now_ms_ + config_.timeouts.drain.count());
  std::vector<Session*> all(sessions_.begin(), sessions_.end());
  for (Session* s : all) s->onDrain(false);
}

// Once draining, a stop or hurry request has been seen: the eventfd is read empty, or it would
// wake the loop at once on every turn until the drain ends (a retirement can last an hour).
bool Worker::drainEnded() {
  uint64_t count = 0;
  (void)!::read(wake_fd_, &count, sizeof count);
  if (hurry_.exchange(false)) hurryDrain();
  return sessions_.empty() || now_ms_ >= drain_deadline_;
}

void Worker::run() {
  fd_table_.store(takePrivateFdTable() ? kPrivate : kShared);
  fd_table_.notify_all();
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);  // OpenSSL writes with write(2): a reset peer must not kill us
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  constexpr int kBatch = 64;
  epoll_event events[kBatch];
  tick();
  while (true) {
    int timeout = 1000;
    if (!ready_.empty()) {
      timeout = 0;
    } else {
      const int64_t next = timers_.next();
      if (next != TimerTarget::kNever) timeout = int(std::clamp<int64_t>(next - now_ms_, 0, 1000));
      if (!idle_holders_.empty())
        timeout = int(std::clamp<int64_t>(next_idle_release_ms_ - now_ms_, 0, timeout));
    }
    const int n = epollWaitDirect(epfd_, events, kBatch, timeout);
    tick();
    for (int i = 0; i < n; ++i) {
      auto* h = static_cast<EventHandler*>(events[i].data.ptr);
      if (!h->dead) h->onEvents(events[i].events);
    }
    runReady();
    timers_.expire(now_ms_);
    freeRetired();
    if (!idle_holders_.empty() && now_ms_ >= next_idle_release_ms_) releaseIdleMemory();
    pooled_.store(pool_.idleCount(), std::memory_order_relaxed);
    if (stop_.load() && !draining_) beginDrain();
    if (draining_ && drainEnded()) break;
  }
  std::vector<Session*> all(sessions_.begin(), sessions_.end());
  for (Session* s : all) s->abort();
  pool_.closeAll();
  freeRetired();
  pooled_.store(0, std::memory_order_relaxed);
}

}  // namespace vlb::l7::proxy
