// The L7 proxy engine: N worker threads, each an epoll loop with its own SO_REUSEPORT listener
// per service, terminating client connections (plain or TLS) and forwarding HTTP/1.1 to the reals
// the services' directors pick.
//
//   Engine engine;
//   Status s = engine.start(config);   // binds every listener first: nothing runs on failure
//   ... engine.port(0), engine.serviceCounters(0), engine.stats() from any thread ...
//   engine.stop();                     // stop accepting, let requests finish (drain), join
//
// A commit that replaces an engine retires it instead: beginRetire() (returns when the listeners
// are closed), later stop() waits for the retirement to end, hurry() (any thread) shortens it to
// an ordinary drain.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "l7/proxy/config.h"
#include "l7/proxy/counters.h"
#include "mgmt/common/result.h"

namespace vlb::l7::proxy {

class Worker;

struct EngineStats {
  uint64_t buffered_bytes = 0;             // now, summed over workers (buffer capacity held)
  uint64_t buffered_bytes_high_water = 0;  // sum over workers of each worker's peak
  uint64_t client_connections = 0;         // open now
  uint64_t upstream_connections = 0;       // open now, in use or pooled
  uint64_t pooled_connections = 0;         // idle in the pools now
};

class Engine {
 public:
  Engine();
  ~Engine();  // stops if running
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Status start(const EngineConfig& config);
  // Stop accepting; keep-alive connections idle between requests and tunnels close at once,
  // requests under way get timeouts.drain to finish; then join. After beginRetire(): waits for
  // the retirement to end.
  void stop();
  // Any thread; returns once no listener accepts any more. Stop accepting and close idle
  // keep-alive connections; every other connection (WebSocket tunnels, responses streaming,
  // requests under way, connections waiting for their first answer) goes on until it ends on its
  // own, each bounded by its own timeouts (tunnel idle, server, client header), the whole engine
  // by timeouts.retire.
  void beginRetire();
  // Any thread: the engine stops as by stop() from now on; a retirement under way keeps nothing
  // more (tunnels close, the rest gets at most timeouts.drain). stop() still joins.
  void hurry();
  bool running() const { return !workers_.empty(); }

  uint16_t port(size_t service) const { return ports_.at(service); }
  const ServiceCounters& serviceCounters(size_t service) const { return *counters_.at(service); }
  EngineStats stats() const;

 private:
  void closeProbes();

  EngineConfig config_;
  std::vector<int> runtimes_probe_fds_;
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ServiceCounters>> counters_;
  // Owned by the thread that calls start()/stop(); the mutex lets beginRetire(), hurry() and
  // stats() from other threads see the list while stop() waits for the workers to end.
  mutable std::mutex workers_mu_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace vlb::l7::proxy
