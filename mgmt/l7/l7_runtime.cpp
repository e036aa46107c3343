// L7Runtime: generations of compiled services and their proxy engines.
#include "mgmt/l7/l7_runtime.h"

#include <algorithm>
#include <map>
#include <set>

#include "mgmt/l7/config_fingerprint.h"

namespace vlb::mgmt::l7 {

namespace proxy = ::vlb::l7::proxy;

Generation::~Generation() {
  for (EngineGroup& g : groups)
    if (g.engine) g.engine->stop();
}

Result<std::unique_ptr<L7Runtime>> L7Runtime::create(const RuntimeOptions& options) {
  if (options.workers == 0 || options.workers > 64)
    return fail("l7: workers " + std::to_string(options.workers) + " is not between 1 and 64");
  auto state = SharedState::create(options.cookie_secret);
  if (!state) return Error{state.error()};
  std::unique_ptr<L7Runtime> rt(new L7Runtime(options));
  rt->state_ = std::move(*state);
  return rt;
}

L7Runtime::~L7Runtime() { stop(); }

Status L7Runtime::check(const config::Config& next) {
  auto g = build(next);
  if (!g) return Error{g.error()};
  return Ok{};
}

Status L7Runtime::apply(const config::Config& next) {
  joinRetired(false);
  std::string fingerprint = l7Fingerprint(next);
  if (current_ && current_->fingerprint == fingerprint) return Ok{};
  std::string listeners = l7ListenerFingerprint(next);
  if (current_ && current_->listener_fingerprint == listeners) {
    auto updated = updateDirectors(next);
    if (!updated) return Error{updated.error()};
    if (*updated) {
      current_->fingerprint = std::move(fingerprint);
      return Ok{};
    }
  }
  auto built = build(next);
  if (!built) return Error{built.error()};
  std::unique_ptr<Generation> fresh = std::move(*built);
  fresh->fingerprint = std::move(fingerprint);
  fresh->listener_fingerprint = std::move(listeners);
  if (Status st = startEngines(*fresh); !st) return st;  // `fresh` stops what it started
  std::set<std::string> names;
  for (const auto& s : next.l7_services) names.insert(s.name);
  state_->pruneSourceTables(names);
  std::unique_ptr<Generation> old = std::move(current_);
  current_ = std::move(fresh);
  if (old) retire(std::move(old));
  return Ok{};
}

Result<std::unique_ptr<Generation>> L7Runtime::build(const config::Config& next) {
  auto g = std::make_unique<Generation>();
  std::map<std::string, size_t> group_of_log;
  for (const config::L7Service& s : next.l7_services) {
    auto compiled = compileService(s, next, *state_, options_.director);
    if (!compiled) return Error{compiled.error()};
    g->switches.push_back(std::make_unique<DirectorSwitch>(std::move((*compiled)->director)));
    g->services.push_back(std::move(*compiled));
    auto [it, added] = group_of_log.try_emplace(s.access_log, g->groups.size());
    if (added) {
      Generation::EngineGroup group;
      group.access_log = s.access_log;
      if (!s.access_log.empty()) {
        auto log = state_->accessLog(s.access_log, options_.workers);
        if (!log) return fail("l7_services \"" + s.name + "\": " + log.error());
        group.log = std::move(*log);
      }
      g->groups.push_back(std::move(group));
    }
    Generation::EngineGroup& group = g->groups[it->second];
    g->places.push_back({it->second, group.services.size()});
    group.services.push_back(g->services.size() - 1);
  }
  return g;
}

Status L7Runtime::startEngines(Generation& g) {
  for (Generation::EngineGroup& group : g.groups) {
    proxy::EngineConfig ec;
    ec.workers = options_.workers;
    ec.timeouts.drain = options_.drain;
    ec.timeouts.retire = options_.retire_limit;
    ec.timeouts.upstream_idle = options_.upstream_idle;
    ec.access_log = group.log.get();
    ec.limits.max_body_bytes = 0;
    for (size_t si : group.services) {
      const CompiledService& c = *g.services[si];
      const config::L7Service& s = c.config;
      proxy::ServiceConfig sc;
      sc.name = s.name;
      sc.address = s.address.text;
      sc.port = s.port;
      sc.server_tls = c.server_tls ? c.server_tls->acceptContext() : nullptr;
      sc.upstream_tls = c.upstream_tls ? c.upstream_tls->connectContext() : nullptr;
      sc.director = g.switches[si].get();
      sc.transparent_source = s.transparent;
      sc.x_forwarded = s.x_forwarded;
      proxy::Timeouts t = ec.timeouts;
      t.connect = std::chrono::seconds(s.timeouts.connect_s);
      t.server = std::chrono::seconds(s.timeouts.server_s);
      t.client_idle = std::chrono::seconds(s.timeouts.client_s);
      sc.timeouts = t;
      // The body limit is the engine's: services sharing one take the largest (see README).
      ec.limits.max_body_bytes = std::max(ec.limits.max_body_bytes, s.max_request_body);
      ec.services.push_back(std::move(sc));
    }
    group.engine = std::make_unique<proxy::Engine>();
    if (Status st = group.engine->start(ec); !st) {
      group.engine.reset();
      return fail("l7_services: " + st.error());
    }
  }
  return Ok{};
}

Result<bool> L7Runtime::updateDirectors(const config::Config& next) {
  std::vector<std::unique_ptr<ServiceDirector>> fresh;
  for (size_t i = 0; i < next.l7_services.size(); ++i) {
    if (current_->switches[i]->installs() >= DirectorSwitch::kVersions) return false;
    auto d = ServiceDirector::create(next.l7_services[i], *state_, options_.director);
    if (!d) return Error{d.error()};
    fresh.push_back(std::move(*d));
  }
  for (size_t i = 0; i < fresh.size(); ++i) {
    current_->switches[i]->install(std::move(fresh[i]));
    current_->services[i]->config = next.l7_services[i];
  }
  std::set<std::string> names;
  for (const auto& s : next.l7_services) names.insert(s.name);
  state_->pruneSourceTables(names);
  return true;
}

// The old engines stop accepting at once; the thread waits for their last connection (see
// RuntimeOptions for what bounds that). The generation is freed on the control thread, after.
void L7Runtime::retire(std::unique_ptr<Generation> old) {
  for (Generation::EngineGroup& g : old->groups)
    if (g.engine) g.engine->beginRetire();
  auto done = std::make_shared<std::atomic<bool>>(false);
  Generation* generation = old.get();
  std::thread t([generation, done] {
    for (Generation::EngineGroup& g : generation->groups)
      if (g.engine) g.engine->stop();
    done->store(true);
  });
  retiring_.push_back({std::move(old), std::move(t), std::move(done)});
  for (size_t i = 0; i + options_.max_retiring < retiring_.size(); ++i) hurry(retiring_[i]);
}

void L7Runtime::hurry(Retiring& r) {
  if (r.hurried) return;
  r.hurried = true;
  for (Generation::EngineGroup& g : r.generation->groups)
    if (g.engine) g.engine->hurry();
}

void L7Runtime::joinRetired(bool all) {
  for (auto it = retiring_.begin(); it != retiring_.end();) {
    if (all || it->done->load()) {
      it->thread.join();
      it = retiring_.erase(it);
    } else {
      ++it;
    }
  }
}

uint64_t L7Runtime::retiringConnections() const {
  uint64_t n = 0;
  for (const Retiring& r : retiring_)
    for (const Generation::EngineGroup& g : r.generation->groups)
      if (g.engine) n += g.engine->stats().client_connections;
  return n;
}

// Everything ends within `drain`: the retired generations are hurried first, so that they drain
// while the current one does.
void L7Runtime::stop() {
  for (Retiring& r : retiring_) hurry(r);
  current_.reset();
  joinRetired(true);
}

Status L7Runtime::setRealUp(const std::string& service, const std::string& real, bool up) {
  const long i = findService(service);
  if (i < 0) return fail("l7 service \"" + service + "\" does not exist");
  if (!current_->switches[size_t(i)]->current().setRealUp(real, up))
    return fail("l7 service \"" + service + "\" has no real " + real);
  state_->setDown(service, real, !up);
  return Ok{};
}

void L7Runtime::tick(std::chrono::steady_clock::time_point now) {
  state_->ticketKeys()->rotate(now);
  for (const auto& table : state_->sourceTables()) table->expire(now);
  joinRetired(false);
}

long L7Runtime::findService(const std::string& name) const {
  if (!current_) return -1;
  for (size_t i = 0; i < current_->services.size(); ++i)
    if (current_->services[i]->config.name == name) return long(i);
  return -1;
}

uint16_t L7Runtime::port(const std::string& service) const {
  const long i = findService(service);
  if (i < 0) return 0;
  const Generation::Place& p = current_->places[size_t(i)];
  const auto& engine = current_->groups[p.group].engine;
  return engine ? engine->port(p.index) : 0;
}

const ServiceDirector* L7Runtime::director(const std::string& service) const {
  const long i = findService(service);
  return i < 0 ? nullptr : &current_->switches[size_t(i)]->current();
}

const proxy::ServiceCounters* L7Runtime::counters(const std::string& service) const {
  const long i = findService(service);
  if (i < 0) return nullptr;
  const Generation::Place& p = current_->places[size_t(i)];
  const auto& engine = current_->groups[p.group].engine;
  return engine ? &engine->serviceCounters(p.index) : nullptr;
}

}  // namespace vlb::mgmt::l7
