// What `show l7-services` and `show certificates` print, as JSON built from the running
// generation: services with pools, reals and counters; certificates with names and expiry.
#include <map>

#include "l7/balance/pool.h"
#include "mgmt/l7/l7_runtime.h"

namespace vlb::mgmt::l7 {

namespace proxy = ::vlb::l7::proxy;
using json = nlohmann::ordered_json;

namespace {

const char* schedulerName(config::L7Scheduler s) {
  switch (s) {
    case config::L7Scheduler::kRr: return "rr";
    case config::L7Scheduler::kWrr: return "wrr";
    case config::L7Scheduler::kLc: return "lc";
    case config::L7Scheduler::kLcr: return "lcr";
  }
  return "?";
}

const char* persistenceName(config::L7PersistenceMode m) {
  switch (m) {
    case config::L7PersistenceMode::kNone: return "none";
    case config::L7PersistenceMode::kCookie: return "cookie";
    case config::L7PersistenceMode::kSource: return "source";
    case config::L7PersistenceMode::kCookieThenSource: return "cookie-then-source";
  }
  return "?";
}

json traffic(const proxy::TrafficCounters& c) {
  json j;
  j["requests"] = c.requests.load();
  j["active_connections"] = c.active_connections.load();
  j["bytes_in"] = c.bytes_in.load();
  j["bytes_out"] = c.bytes_out.load();
  json r;
  const char* names[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
  for (unsigned i = 0; i < 6; ++i) r[names[i]] = c.responses[i].load();
  j["responses"] = r;
  return j;
}

std::string realState(const PoolRuntime& p, uint32_t i) {
  const RealTarget& r = p.reals[i];
  if (r.admin == config::RealState::kDisabled) return "disabled";
  if (!p.pool->isUp(i)) return "down";
  return r.admin == config::RealState::kDrain ? "drain" : "up";
}

json poolJson(const PoolRuntime& p) {
  json j;
  j["name"] = p.name;
  j["scheduler"] = schedulerName(p.scheduler);
  j["reals_up"] = p.pool->upCount();
  json reals = json::array();
  for (uint32_t i = 0; i < p.reals.size(); ++i) {
    const RealTarget& r = p.reals[i];
    json rj;
    rj["real"] = r.identity;
    rj["weight"] = r.weight;
    rj["state"] = realState(p, i);
    rj["active_requests"] = p.pool->requests(i);
    if (r.counters) {
      json t = traffic(*r.counters);
      for (auto& [k, v] : t.items()) rj[k] = v;
      rj["connects"] = r.counters->connects.load();
      rj["reuses"] = r.counters->reuses.load();
      rj["connect_errors"] = r.counters->connect_errors.load();
    }
    reals.push_back(std::move(rj));
  }
  j["reals"] = std::move(reals);
  return j;
}

}  // namespace

json L7Runtime::servicesJson() const {
  json list = json::array();
  if (current_) {
    for (size_t i = 0; i < current_->services.size(); ++i) {
      const CompiledService& c = *current_->services[i];
      const config::L7Service& s = c.config;
      json j;
      j["name"] = s.name;
      j["address"] = s.address.text;
      j["port"] = port(s.name);
      j["protocol"] = s.protocol == config::L7Protocol::kHttps ? "https" : "http";
      j["reencrypt"] = s.reencrypt.enabled;
      j["persistence"] = persistenceName(s.persistence.mode);
      bool any_pool = false, any_up = false;
      json pools = json::array();
      for (const PoolRuntime& p : current_->switches[i]->current().pools()) {
        any_pool = true;
        any_up = any_up || p.pool->upCount() > 0;
        pools.push_back(poolJson(p));
      }
      // A service without pools only answers by rules (redirects, fixed pages): it is up.
      j["state"] = !any_pool || any_up ? "up" : "down";
      if (const proxy::ServiceCounters* k = counters(s.name)) {
        json t = traffic(*k);
        for (auto& [key, v] : t.items()) j[key] = v;
        j["bad_requests"] = k->bad_requests.load();
        j["local_responses"] = k->local_responses.load();
        j["upstream_errors"] = k->upstream_errors.load();
        j["upstream_timeouts"] = k->upstream_timeouts.load();
        j["client_timeouts"] = k->client_timeouts.load();
        j["tls_handshake_errors"] = k->tls_handshake_errors.load();
      }
      j["access_log"] = s.access_log;
      j["pools"] = std::move(pools);
      list.push_back(std::move(j));
    }
  }
  json out;
  out["l7_services"] = std::move(list);
  out["retiring_generations"] = retiring_.size();
  out["retiring_connections"] = retiringConnections();
  return out;
}

json L7Runtime::certificatesJson() const {
  json list = json::array();
  std::map<std::string, size_t> by_fingerprint;
  if (current_) {
    for (const auto& cs : current_->services) {
      if (!cs->server_tls) continue;
      const auto infos = cs->server_tls->certificates();
      for (size_t i = 0; i < infos.size(); ++i) {
        const auto& info = infos[i];
        auto [it, added] = by_fingerprint.try_emplace(info.sha256_fingerprint, list.size());
        if (!added) {
          list[it->second]["services"].push_back(cs->config.name);
          continue;
        }
        json j;
        j["name"] = i < cs->certificate_names.size() && !info.generated ? cs->certificate_names[i] : "";
        j["services"] = json::array({cs->config.name});
        j["subject"] = info.subject;
        j["subject_cn"] = info.subject_cn;
        j["sans"] = info.sans;
        j["issuer"] = info.issuer;
        j["not_before"] = info.not_before_text;
        j["not_after"] = info.not_after_text;
        j["days_left"] = info.days_until_expiry;
        j["key_type"] = info.key_type;
        j["key_bits"] = info.key_bits;
        j["generated"] = info.generated;
        j["sha256_fingerprint"] = info.sha256_fingerprint;
        j["chain_length"] = info.chain_length;
        j["source"] = info.source;
        list.push_back(std::move(j));
      }
    }
  }
  json out;
  out["certificates"] = std::move(list);
  return out;
}

}  // namespace vlb::mgmt::l7
