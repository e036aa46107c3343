// Connections to real servers and the per-worker keep-alive pool of idle ones. A connection is
// either lent to one session (owner set) or idle in the pool, watched for the server closing it and
// for its idle timeout.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "l7/proxy/counters.h"
#include "l7/proxy/event_handler.h"
#include "l7/proxy/transport.h"

namespace vlb::l7::proxy {

class Worker;
class Session;
class Director;

class UpstreamConn : public EventHandler, public TimerTarget {
 public:
  UpstreamConn(Worker& worker, std::string key);
  ~UpstreamConn() override;

  void onEvents(uint32_t events) override;
  void onTimer(int64_t now_ms) override;
  // Whose connection this is for accounting (Director::onUpstreamOpened/Closed and the real's
  // active_connections): moves the count when a pooled connection serves another real_id.
  void assign(Director* director, uint64_t real_id, RealCounters* counters);

  Transport transport;
  std::string key;  // the pool it belongs to (empty: never pooled)
  RealCounters* counters = nullptr;
  Director* director = nullptr;
  uint64_t real_id = 0;
  Session* owner = nullptr;
  bool connecting = true;
  bool reused = false;  // taken from the pool for the current request

 private:
  Worker& worker_;
};

class UpstreamPool {
 public:
  UpstreamPool(Worker& worker, uint32_t max_idle_per_key)
      : worker_(worker), max_(max_idle_per_key) {}
  ~UpstreamPool();

  // An idle connection to `key`, or null. With `check`, one that still looks healthy (a peek:
  // one syscall); stale ones found on the way are closed. Without, the caller retries on a fresh
  // connection when the taken one turns out closed.
  UpstreamConn* take(const std::string& key, bool check);
  // Puts an idle, reusable connection back (closes it when the pool for its key is full).
  void give(UpstreamConn* conn, int64_t idle_deadline);
  // Called by an idle connection that saw an event or timed out: unlinks and closes it.
  void drop(UpstreamConn* conn);
  void closeAll();
  size_t idleCount() const { return idle_; }

 private:
  bool healthy(UpstreamConn* conn);

  Worker& worker_;
  uint32_t max_;
  size_t idle_ = 0;
  std::unordered_map<std::string, std::vector<UpstreamConn*>> idle_by_key_;
};

// Closes the connection's socket and hands the object to the worker for deletion.
void retireUpstream(Worker& worker, UpstreamConn* conn);

}  // namespace vlb::l7::proxy
