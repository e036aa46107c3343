// One L7 worker thread: an epoll loop with its own SO_REUSEPORT listener per service, the client
// sessions it accepted, its upstream pool, its timers and its buffer account. Nothing in here is
// shared with other workers except the counters (atomics) and the directors (thread-safe).
//
// The thread runs with a file descriptor table of its own (unshare(CLONE_FILES)), holding only
// its epoll set, its wake-up eventfd, its listeners and what it opens itself: in a process whose
// threads share one table every fd system call takes and drops a reference on the file (two
// locked atomics), which a private table skips -- about 1 us of an 18 us keep-alive request
// here (perf/README.md, "Session 7"). Nothing outside the worker may use its sockets by number.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"
#include "l7/proxy/byte_buffer.h"
#include "l7/proxy/config.h"
#include "l7/proxy/counters.h"
#include "l7/proxy/event_handler.h"
#include "l7/proxy/upstream.h"
#include "mgmt/common/result.h"

namespace vlb::l7::proxy {

class Session;

// A service as the workers see it.
struct ServiceRuntime {
  const ServiceConfig* config = nullptr;
  ServiceCounters* counters = nullptr;
  sockaddr_storage address{};  // with the bound port
};

class Worker {
 public:
  Worker(unsigned index, const EngineConfig& config, std::vector<ServiceRuntime> services);
  ~Worker();

  // Creates the epoll set and this worker's listeners (services[i] on its bound port).
  Status open();
  void start();
  void requestStop();  // any thread
  void join();
  // Any thread, before requestStop(): the drain keeps tunnels and requests under way until they
  // end on their own, within EngineConfig::timeouts.retire (Engine::beginRetire).
  void keepStreamsOnDrain() { keep_streams_.store(true); }
  // Any thread: the drain becomes an ordinary one now (tunnels close, timeouts.drain at most).
  void hurry() {
    hurry_.store(true);
    requestStop();
  }
  // Any thread, after requestStop(): returns once the listeners are closed and the drain has begun.
  void waitDrainBegun() const { drain_begun_.wait(false); }

  // For sessions and upstream connections, on this worker's thread.
  // The clock as of this turn of the loop (read once per epoll_wait, not per request): deadlines
  // in ms, request timings in µs, and the wall clock for access logs, read on first use a turn.
  int64_t now() const { return now_ms_; }
  int64_t nowUs() const { return now_us_; }
  int64_t unixMs();
  unsigned index() const { return index_; }
  const EngineConfig& config() const { return config_; }
  TimerQueue& timers() { return timers_; }
  UpstreamPool& pool() { return pool_; }
  BufferAccount& buffers() { return buffers_; }  // read from any thread too (atomics)
  bool draining() const { return draining_; }
  // Client and upstream sockets are watched edge-triggered (watch adds EPOLLET): a level-
  // triggered socket that was reported is looked at again by the next epoll_wait, ready or not
  // (a poll of the socket per event, 0.2-0.4 us of a keep-alive request here). That is safe because
  // a session reads until a read comes back short or would block, and tries every step on every
  // pump (a side it stopped reading for backpressure is read again as soon as there is room);
  // listeners and the wake-up eventfd stay level-triggered (one accept per event).
  void watch(int fd, EventHandler* h, uint32_t events);
  // Like watch(), but leaves a registration alone when it only has EPOLLIN/EPOLLRDHUP beyond what
  // is asked for: a socket that goes quiet between exchanges costs no epoll_ctl pair. The owner
  // calls watch() once such an unwanted read event does arrive (then it drops EPOLLIN for real).
  void watchLazily(int fd, EventHandler* h, uint32_t events);
  void unwatch(int fd, EventHandler* h);
  void retire(EventHandler* h);    // delete after the current batch
  void schedule(Session* s);       // pump again on the next turn (work left over)
  void sessionClosed(Session* s);  // unlink; the session retires itself
  // A session went idle keeping its buffers: the loop gives them back after idle_release. Only
  // the sessions listed are looked at (not every idle connection of the worker).
  void noteIdleMemory(Session* s) { idle_holders_.push_back(s); }
  void forgetIdleMemory(Session* s) { std::erase(idle_holders_, s); }
  // Pools of parsers (each holds a field array) so that idle sessions need none.
  std::unique_ptr<http::ResponseParser> borrowResponseParser();
  void returnResponseParser(std::unique_ptr<http::ResponseParser> p);
  std::unique_ptr<http::RequestParser> borrowRequestParser();
  void returnRequestParser(std::unique_ptr<http::RequestParser> p);
  void upstreamOpened() { upstreams_.fetch_add(1, std::memory_order_relaxed); }
  void upstreamClosed() { upstreams_.fetch_sub(1, std::memory_order_relaxed); }

  // Any thread.
  uint64_t clientConnections() const { return clients_.load(std::memory_order_relaxed); }
  uint64_t upstreamConnections() const { return upstreams_.load(std::memory_order_relaxed); }
  uint64_t pooledConnections() const { return pooled_.load(std::memory_order_relaxed); }

 private:
  struct Listener;
  struct Waker;
  void run();
  void accept(Listener& l, int max);
  void tick();  // reads the clocks for this turn of the loop
  void beginDrain();
  void hurryDrain();
  bool drainEnded();  // also takes a hurry() into account
  void runReady();
  void freeRetired();
  void releaseIdleMemory();  // every idle_release while idle_holders_ is not empty
  void watchAs(int fd, EventHandler* h, uint32_t events);  // `events` exactly (no EPOLLET added)
  // On the worker's thread, first thing: a private fd table keeping only the worker's own fds.
  bool takePrivateFdTable();

  unsigned index_;
  const EngineConfig& config_;
  std::vector<ServiceRuntime> services_;
  int epfd_ = -1;
  int wake_fd_ = -1;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unique_ptr<Waker> waker_;
  std::unordered_set<Session*> sessions_;
  std::vector<Session*> ready_;
  std::vector<std::unique_ptr<http::ResponseParser>> spare_parsers_;
  std::vector<std::unique_ptr<http::RequestParser>> spare_request_parsers_;
  std::vector<EventHandler*> retired_;
  TimerQueue timers_;
  UpstreamPool pool_;
  BufferAccount buffers_;
  int64_t now_ms_ = 0;
  int64_t now_us_ = 0;
  int64_t unix_ms_ = -1;  // -1: not read yet this turn
  bool draining_ = false;
  int64_t drain_deadline_ = 0;
  std::vector<Session*> idle_holders_;  // each once: Session::in_idle_list_
  int64_t next_idle_release_ms_ = 0;
  std::atomic<bool> stop_{false};
  enum FdTable : int { kUndecided, kPrivate, kShared };
  std::atomic<int> fd_table_{kUndecided};  // set by the thread once, start() waits for it
  std::atomic<bool> keep_streams_{false}, hurry_{false}, drain_begun_{false};
  std::atomic<uint64_t> clients_{0}, upstreams_{0}, pooled_{0};
  std::thread thread_;
};

int64_t monotonicMs();
int64_t monotonicUs();

}  // namespace vlb::l7::proxy
