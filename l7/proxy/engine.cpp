// Engine: validates the configuration, binds the listeners of every worker, runs and stops them.
#include "l7/proxy/engine.h"

#include <unistd.h>

#include <algorithm>

#include "l7/proxy/socket_util.h"
#include "l7/proxy/worker.h"

namespace vlb::l7::proxy {
namespace {

Status validate(const EngineConfig& c) {
  if (c.workers == 0 || c.workers > 256)
    return fail("l7 engine: workers must be 1..256, not " + std::to_string(c.workers));
  if (c.services.empty()) return fail("l7 engine: no services to listen for");
  if (c.read_chunk < 1024 || c.high_water < c.read_chunk)
    return fail("l7 engine: read_chunk (" + std::to_string(c.read_chunk) +
                ") must be at least 1024 and at most high_water (" + std::to_string(c.high_water) +
                ")");
  for (const ServiceConfig& s : c.services) {
    if (!s.director) return fail("service '" + s.name + "': field director is not set");
    if (s.name.empty()) return fail("service on port " + std::to_string(s.port) + ": no name");
  }
  return Ok{};
}

}  // namespace

Engine::Engine() = default;

Engine::~Engine() { stop(); }

Status Engine::start(const EngineConfig& config) {
  if (running()) return fail("l7 engine: already running");
  if (Status v = validate(config); !v) return v;
  config_ = config;
  ports_.clear();
  counters_.clear();
  std::vector<ServiceRuntime> runtimes;
  // The first worker binds port 0 services, so that the others can join the port the kernel picked.
  for (const ServiceConfig& s : config_.services) {
    auto addr = parseAddress("service '" + s.name + "'", s.address, s.port);
    if (!addr) return fail(addr.error());
    counters_.push_back(std::make_unique<ServiceCounters>());
    runtimes.push_back({&s, counters_.back().get(), *addr});
  }
  for (ServiceRuntime& r : runtimes) {
    if (addressPort(r.address) != 0) continue;
    auto probe = openListener("service '" + r.config->name + "'", r.address, 1);
    if (!probe) return fail(probe.error());
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(*probe, reinterpret_cast<sockaddr*>(&bound), &len);
    r.address = bound;
    // Keep the probe open until the workers have bound the same port (SO_REUSEPORT), then close.
    runtimes_probe_fds_.push_back(*probe);
  }
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < config_.workers; ++i) {
    workers.push_back(std::make_unique<Worker>(i, config_, runtimes));
    if (Status s = workers.back()->open(); !s) {
      closeProbes();
      return s;
    }
  }
  closeProbes();
  for (const ServiceRuntime& r : runtimes) ports_.push_back(addressPort(r.address));
  {
    std::lock_guard lock(workers_mu_);
    workers_ = std::move(workers);
  }
  for (auto& w : workers_) w->start();
  return Ok{};
}

void Engine::closeProbes() {
  for (int fd : runtimes_probe_fds_) ::close(fd);
  runtimes_probe_fds_.clear();
}

void Engine::stop() {
  {
    std::lock_guard lock(workers_mu_);
    for (auto& w : workers_) w->requestStop();
  }
  // Joined without the lock: hurry() must get through while we wait. Only this thread changes
  // the list.
  for (auto& w : workers_) w->join();
  std::lock_guard lock(workers_mu_);
  workers_.clear();
}

void Engine::beginRetire() {
  std::lock_guard lock(workers_mu_);
  for (auto& w : workers_) {
    w->keepStreamsOnDrain();
    w->requestStop();
  }
  // A connection that arrives after this goes to the engine that replaces us (one epoll turn).
  for (auto& w : workers_) w->waitDrainBegun();
}

void Engine::hurry() {
  std::lock_guard lock(workers_mu_);
  for (auto& w : workers_) w->hurry();
}

EngineStats Engine::stats() const {
  std::lock_guard lock(workers_mu_);
  EngineStats s;
  for (const auto& w : workers_) {
    s.buffered_bytes += w->buffers().current.load(std::memory_order_relaxed);
    s.buffered_bytes_high_water += w->buffers().peak.load(std::memory_order_relaxed);
    s.client_connections += w->clientConnections();
    s.upstream_connections += w->upstreamConnections();
    s.pooled_connections += w->pooledConnections();
  }
  return s;
}

}  // namespace vlb::l7::proxy
