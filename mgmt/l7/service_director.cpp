// ServiceDirector: content rules → pool → persistence/scheduler → endpoint, and response edits.
#include "mgmt/l7/service_director.h"

#include <arpa/inet.h>

#include <cstring>
#include <ctime>

#include "l7/balance/cookie_header.h"
#include "l7/http/chars.h"
#include "mgmt/l7/rule_translation.h"

namespace vlb::mgmt::l7 {

namespace balance = ::vlb::l7::balance;
namespace rules = ::vlb::l7::rules;
namespace http = ::vlb::l7::http;

namespace {

balance::Algorithm algorithmOf(config::L7Scheduler s) {
  switch (s) {
    case config::L7Scheduler::kRr: return balance::Algorithm::kRr;
    case config::L7Scheduler::kWrr: return balance::Algorithm::kWrr;
    case config::L7Scheduler::kLc: return balance::Algorithm::kLc;
    case config::L7Scheduler::kLcr: return balance::Algorithm::kLcr;
  }
  return balance::Algorithm::kRr;
}

balance::PersistMode modeOf(config::L7PersistenceMode m) {
  switch (m) {
    case config::L7PersistenceMode::kNone: return balance::PersistMode::kNone;
    case config::L7PersistenceMode::kCookie: return balance::PersistMode::kCookie;
    case config::L7PersistenceMode::kSource: return balance::PersistMode::kSource;
    case config::L7PersistenceMode::kCookieThenSource: return balance::PersistMode::kCookieThenSource;
  }
  return balance::PersistMode::kNone;
}

sockaddr_storage socketAddress(const config::IpAddress& ip, uint16_t port) {
  sockaddr_storage ss{};
  if (ip.family == AF_INET6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    std::memcpy(&s6->sin6_addr, ip.bytes.data(), 16);
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    std::memcpy(&s4->sin_addr, ip.bytes.data(), 4);
  }
  return ss;
}

// "mail.example.com:443" → "mail.example.com"; IPv6 literals give "" (no SNI for addresses).
std::string_view hostOnly(std::string_view authority) {
  if (authority.empty() || authority.front() == '[') return {};
  const size_t colon = authority.rfind(':');
  return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

bool cookieMode(config::L7PersistenceMode m) {
  return m == config::L7PersistenceMode::kCookie || m == config::L7PersistenceMode::kCookieThenSource;
}

bool sourceMode(config::L7PersistenceMode m) {
  return m == config::L7PersistenceMode::kSource || m == config::L7PersistenceMode::kCookieThenSource;
}

}  // namespace

std::string l7RealIdentity(const config::L7Real& real, uint16_t service_port) {
  return real.address.text + ":" + std::to_string(real.port ? real.port : service_port);
}

Result<std::unique_ptr<ServiceDirector>> ServiceDirector::create(const config::L7Service& service,
                                                                 SharedState& state,
                                                                 const DirectorOptions& options) {
  const std::string where = "l7_services \"" + service.name + "\"";
  std::unique_ptr<ServiceDirector> d(new ServiceDirector);
  d->name_ = service.name;
  d->https_ = service.protocol == config::L7Protocol::kHttps;
  d->reencrypt_ = service.reencrypt.enabled;
  d->reencrypt_sni_ = service.reencrypt.sni;
  d->persistence_ = service.persistence.mode;
  d->options_ = options;

  auto spec = translateRules(service);
  if (!spec) return Error{spec.error()};
  auto compiled = rules::compileRuleSet(*spec);
  if (!compiled) return fail(where + ": " + compiled.error());
  d->rules_ = std::move(*compiled);

  if (Status st = d->buildPools(service, state); !st) return Error{st.error()};
  for (const std::string& pool_name : d->rules_->pools()) {
    uint32_t found = UINT32_MAX;
    for (size_t i = 0; i < d->pools_.size(); ++i)
      if (d->pools_[i].name == pool_name) found = uint32_t(i);
    if (found == UINT32_MAX)
      return fail(where + ": pool \"" + pool_name + "\" is used by a rule but not defined");
    d->pool_of_rule_pool_.push_back(found);
  }

  for (const auto& [internal, external] : service.location_hosts)
    d->location_.hosts.push_back({internal, external});
  d->location_.scheme = d->https_ ? rules::SchemeRewrite::kToHttps : rules::SchemeRewrite::kKeep;
  for (const auto& [internal, external] : service.cookie_domains)
    d->cookie_domains_.push_back({internal, external});
  return d;
}

Status ServiceDirector::buildPools(const config::L7Service& service, SharedState& state) {
  const std::string where = "l7_services \"" + service.name + "\"";
  if (sourceMode(persistence_)) {
    balance::SourcePersistenceConfig sc;
    sc.v4_prefix = service.persistence.prefix_length;
    sc.timeout = std::chrono::seconds(service.persistence.timeout_s);
    if (auto probe = balance::SourcePersistence::create(sc); !probe)
      return fail(where + ": persistence: " + probe.error());
    source_ = state.sourceTable(service.name, sc);
  }
  if (service.pools.size() > 0xffff) return fail(where + ": pools: more than 65535");
  for (size_t pi = 0; pi < service.pools.size(); ++pi) {
    const config::L7Pool& cp = service.pools[pi];
    const std::string pool_where = where + ": pools[" + std::to_string(pi) + "] \"" + cp.name + "\"";
    PoolRuntime p;
    p.name = cp.name;
    p.scheduler = cp.scheduler;
    std::vector<balance::RealSpec> specs;
    for (const config::L7Real& r : cp.reals) {
      RealTarget t;
      t.identity = l7RealIdentity(r, service.port);
      t.address = socketAddress(r.address, r.port ? r.port : service.port);
      t.admin = r.state;
      t.weight = r.weight;
      t.counters = state.realCounters(service.name, cp.name, t.identity);
      balance::RealSpec spec;
      spec.id = state.realId(t.identity);
      spec.weight = r.state == config::RealState::kDrain ? 0 : r.weight;
      spec.up = r.state != config::RealState::kDisabled && !state.isDown(service.name, t.identity);
      spec.name = t.identity;
      specs.push_back(spec);
      p.reals.push_back(std::move(t));
    }
    auto pool = balance::Pool::create(cp.name, algorithmOf(cp.scheduler), specs);
    if (!pool) return fail(pool_where + ": " + pool.error());
    p.pool = std::move(*pool);

    balance::SelectorConfig sel;
    sel.mode = modeOf(persistence_);
    sel.service_id = service.name + "/" + cp.name;
    // One cookie per pool when there are several, so that a client using two pools keeps both.
    sel.cookie.name = service.persistence.cookie +
                      (service.pools.size() > 1 ? "_" + cp.name : std::string());
    sel.cookie.secure = https_;
    cookie_names_.push_back(sel.cookie.name);
    auto selector = balance::Selector::create(sel, p.pool.get(), &state.cookieCodec(), source_.get());
    if (!selector) return fail(pool_where + ": persistence: " + selector.error());
    p.selector.emplace(std::move(*selector));
    pools_.push_back(std::move(p));
  }
  return Ok{};
}

proxy::Decision ServiceDirector::route(const proxy::RequestInfo& request) {
  thread_local rules::MatchScratch scratch;
  http::RequestHead head;
  head.method = request.method;
  head.target = request.target;
  head.path = request.path;
  head.query = request.query;
  head.authority = request.authority;
  if (request.fields) {
    head.fields = *request.fields;
    head.host = request.fields->get("host");
  }
  const rules::Decision d = rules_->decide(head, scratch);
  if (d.action->kind == rules::ActionKind::kPool)
    return forward(request, pool_of_rule_pool_[d.action->pool_index]);
  return local(*d.action, request, head);
}

proxy::Decision ServiceDirector::forward(const proxy::RequestInfo& request, uint32_t pool_index) {
  PoolRuntime& p = pools_[pool_index];
  balance::SelectRequest sr;
  if (cookieMode(persistence_) && request.fields)
    sr.cookie = balance::findCookie(*request.fields, cookie_names_[pool_index]);
  std::optional<balance::ClientAddress> client;
  if (request.client) client = balance::ClientAddress::fromSockaddr(reinterpret_cast<const sockaddr*>(request.client));
  sr.client = client ? &*client : nullptr;
  sr.now = std::chrono::steady_clock::now();
  sr.unix_now = int64_t(std::time(nullptr));
  balance::Selection s = p.selector->select(sr);

  proxy::Decision out;
  if (s.real == balance::kNoReal) {
    out.kind = proxy::Decision::Kind::kLocal;
    out.local.status = 503;
    out.local.headers.push_back({"Content-Type", options_.unavailable_type});
    out.local.headers.push_back({"Retry-After", "5"});
    out.local.body = options_.unavailable_body;
    return out;
  }
  const RealTarget& real = p.reals[s.real];
  out.kind = proxy::Decision::Kind::kForward;
  out.upstream.address = real.address;
  out.upstream.tls = reencrypt_;
  if (reencrypt_) out.upstream.sni = reencrypt_sni_.empty() ? std::string(hostOnly(request.authority)) : reencrypt_sni_;
  out.upstream.real_id = (uint64_t(pool_index) << 32) | s.real;
  out.upstream.name = real.identity;
  out.upstream.counters = real.counters;
  if (s.set_cookie) out.add_response_headers.push_back({"Set-Cookie", std::move(*s.set_cookie)});
  if (persistence_ != config::L7PersistenceMode::kNone)
    out.persistence = s.hit != balance::PersistHit::kNone ? ::vlb::l7::accesslog::Persistence::kHit
                                                          : ::vlb::l7::accesslog::Persistence::kMiss;
  // The engine does not read `local` of a forwarded request: it carries the host the client asked
  // for to editResponse() (Location rewriting needs it).
  out.local.body.assign(request.authority);
  return out;
}

proxy::Decision ServiceDirector::local(const rules::Action& action, const proxy::RequestInfo& request,
                                       const http::RequestHead& head) const {
  proxy::Decision out;
  out.kind = proxy::Decision::Kind::kLocal;
  out.local.status = action.status;
  if (action.kind == rules::ActionKind::kRedirect) {
    std::string location;
    action.renderLocation(head, request.tls ? "https" : "http", location);
    out.local.headers.push_back({"Location", std::move(location)});
  }
  if (!action.content_type.empty()) out.local.headers.push_back({"Content-Type", action.content_type});
  out.local.body = action.body;
  return out;
}

void ServiceDirector::editResponse(const proxy::Decision& decision, const proxy::ResponseInfo& response,
                                   proxy::HeaderEdits* edits) {
  if (decision.kind != proxy::Decision::Kind::kForward || !response.fields) return;
  const std::string_view request_host = hostOnly(decision.local.body);
  bool location_changed = false, cookie_changed = false;
  std::vector<std::string> locations, cookies;
  for (const http::HeaderField f : *response.fields) {
    if (http::chars::equalsLower(f.name, "location")) {
      auto r = rules::rewriteLocation(f.value, location_, request_host);
      location_changed = location_changed || r.has_value();
      locations.push_back(r ? std::move(*r) : std::string(f.value));
    } else if (!cookie_domains_.empty() && http::chars::equalsLower(f.name, "set-cookie")) {
      auto r = rules::rewriteSetCookieDomain(f.value, cookie_domains_);
      cookie_changed = cookie_changed || r.has_value();
      cookies.push_back(r ? std::move(*r) : std::string(f.value));
    }
  }
  if (location_changed) {
    edits->remove.push_back("Location");
    for (auto& v : locations) edits->add.push_back({"Location", std::move(v)});
  }
  if (cookie_changed) {
    edits->remove.push_back("Set-Cookie");
    for (auto& v : cookies) edits->add.push_back({"Set-Cookie", std::move(v)});
  }
}

void ServiceDirector::onRequestStart(uint64_t real_id) {
  const size_t pi = size_t((real_id >> 32) & 0xffff);
  const uint32_t ri = uint32_t(real_id);
  if (pi >= pools_.size() || ri >= pools_[pi].pool->size()) return;
  pools_[pi].pool->requestStarted(ri);  // lcr
}

void ServiceDirector::onRequestEnd(uint64_t real_id) {
  const size_t pi = size_t((real_id >> 32) & 0xffff);
  const uint32_t ri = uint32_t(real_id);
  if (pi >= pools_.size() || ri >= pools_[pi].pool->size()) return;
  pools_[pi].pool->requestEnded(ri);
}

// lc: open upstream connections to the real, busy or idle in a worker's keep-alive pool.
void ServiceDirector::onUpstreamOpened(uint64_t real_id) {
  const size_t pi = size_t((real_id >> 32) & 0xffff);
  const uint32_t ri = uint32_t(real_id);
  if (pi >= pools_.size() || ri >= pools_[pi].pool->size()) return;
  pools_[pi].pool->connectionStarted(ri);
}

void ServiceDirector::onUpstreamClosed(uint64_t real_id) {
  const size_t pi = size_t((real_id >> 32) & 0xffff);
  const uint32_t ri = uint32_t(real_id);
  if (pi >= pools_.size() || ri >= pools_[pi].pool->size()) return;
  pools_[pi].pool->connectionEnded(ri);
}

bool ServiceDirector::setRealUp(const std::string& identity, bool up) {
  bool found = false;
  for (PoolRuntime& p : pools_)
    for (uint32_t i = 0; i < p.reals.size(); ++i)
      if (p.reals[i].identity == identity) {
        p.pool->setUp(i, up && p.reals[i].admin != config::RealState::kDisabled);
        found = true;
      }
  return found;
}

}  // namespace vlb::mgmt::l7
