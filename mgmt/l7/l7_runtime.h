// L7Runtime: the appliance's L7 proxy. apply(config) compiles the certificates and l7_services
// into TLS contexts, rule sets, pools and directors, starts a new set of proxy engines on them
// (SO_REUSEPORT lets them listen beside the old ones) and retires the old engines in the
// background: they accept nothing more and close idle keep-alive connections, while WebSocket
// tunnels and requests under way go on until they end (see RuntimeOptions for what bounds a
// retired generation). Persistence tables, the cookie secret,
// ticket keys, real counters and access logs live across applies. Control thread only.
//
//   auto rt = L7Runtime::create({});             // once
//   Status s = rt->apply(cfg);                    // start and every commit; fails: nothing changed
//                                                 // (rules/pools/persistence only: no restart)
//   rt->setRealUp("owa", "192.0.2.11:443", false);  // health checks
//   rt->tick(steady_clock::now());                // about once a second: ticket keys, expiry
//   rt->reopenLogs();                             // SIGHUP
//   rt->servicesJson(); rt->certificatesJson();   // show commands
//   rt->stop();                                   // or the destructor
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "l7/accesslog/access_log.h"
#include "l7/proxy/engine.h"
#include "mgmt/common/result.h"
#include "mgmt/config/config.h"
#include "mgmt/l7/director_switch.h"
#include "mgmt/l7/service_compile.h"
#include "mgmt/l7/shared_state.h"

namespace vlb::mgmt::l7 {

// What bounds a retired generation: it ends with its last connection (each tunnel closed by its
// client or real or by the tunnel idle timeout, 1 h; each request by its own timeouts), and at
// the latest `retire_limit` after the commit. It is hurried (tunnels closed, `drain` for the
// rest) when more than `max_retiring` generations are retiring (the oldest first) and when the
// runtime stops.
struct RuntimeOptions {
  unsigned workers = 2;                                  // threads per engine
  std::chrono::milliseconds drain{10'000};               // stop(): requests in flight may finish
  std::chrono::milliseconds retire_limit{3'600'000};     // a retired generation's life at most
  size_t max_retiring = 8;                               // retired generations kept at once
  std::chrono::milliseconds upstream_idle{4'000};        // pooled connections to reals
  std::string cookie_secret;                             // empty: random
  DirectorOptions director;                              // the 503 page
};

// One running set of engines for one configuration.
struct Generation {
  struct EngineGroup {  // the services sharing one access log (or none) share an engine
    std::string access_log;
    std::shared_ptr<::vlb::l7::accesslog::AccessLog> log;
    std::vector<size_t> services;  // indexes into Generation::services
    std::unique_ptr<::vlb::l7::proxy::Engine> engine;
  };
  struct Place {
    size_t group = 0, index = 0;  // the engine and its service index
  };
  std::string fingerprint;           // l7Fingerprint of its config
  std::string listener_fingerprint;  // l7ListenerFingerprint of its config
  std::vector<std::unique_ptr<CompiledService>> services;
  std::vector<std::unique_ptr<DirectorSwitch>> switches;  // per service: what its engine calls
  std::vector<Place> places;  // per service
  std::vector<EngineGroup> groups;  // declared last: engines stop before their directors go

  ~Generation();
};

class L7Runtime {
 public:
  static Result<std::unique_ptr<L7Runtime>> create(const RuntimeOptions& options);
  ~L7Runtime();
  L7Runtime(const L7Runtime&) = delete;
  L7Runtime& operator=(const L7Runtime&) = delete;

  Status apply(const config::Config& next);
  // What apply would refuse that only compiling shows (certificates, keys, access log paths),
  // without starting or changing anything: for `commit check`.
  Status check(const config::Config& next);
  // `real` is "address:port"; errors name an unknown service or real.
  Status setRealUp(const std::string& service, const std::string& real, bool up);
  void tick(std::chrono::steady_clock::time_point now);
  Status reopenLogs() { return state_->reopenLogs(); }
  void stop();

  // The listening port of a service (tests with port 0), 0 when unknown.
  uint16_t port(const std::string& service) const;
  const ServiceDirector* director(const std::string& service) const;
  const ::vlb::l7::proxy::ServiceCounters* counters(const std::string& service) const;
  size_t retiring() const { return retiring_.size(); }
  // Client connections the retiring generations still serve (tunnels, requests under way).
  uint64_t retiringConnections() const;

  nlohmann::ordered_json servicesJson() const;
  nlohmann::ordered_json certificatesJson() const;

 private:
  explicit L7Runtime(const RuntimeOptions& options) : options_(options) {}
  Result<std::unique_ptr<Generation>> build(const config::Config& next);
  Status startEngines(Generation& g);
  // Only the directors' decisions changed: new directors installed in the running engines.
  // Ok(false) when a switch is out of versions (the caller rebuilds instead).
  Result<bool> updateDirectors(const config::Config& next);
  void retire(std::unique_ptr<Generation> old);
  void joinRetired(bool all);
  long findService(const std::string& name) const;

  struct Retiring {
    std::unique_ptr<Generation> generation;  // its engines retire in `thread`
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
    bool hurried = false;
  };
  static void hurry(Retiring& r);

  RuntimeOptions options_;
  std::unique_ptr<SharedState> state_;
  std::unique_ptr<Generation> current_;
  std::vector<Retiring> retiring_;
};

}  // namespace vlb::mgmt::l7
