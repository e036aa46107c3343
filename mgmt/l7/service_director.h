// ServiceDirector: the proxy engine's Director for one L7 service. Per request: content rules
// decide (pool, redirect, deny, fixed answer); for a pool, the selector picks a real (cookie →
// source → scheduler) and the real's address and port become the Endpoint (port translation);
// no real up gives a 503 page. Responses get their Location and Set-Cookie Domain rewritten.
// Immutable after create() apart from atomics (pool counters, up flags): any worker may call it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "l7/balance/pool.h"
#include "l7/balance/selector.h"
#include "l7/proxy/director.h"
#include "l7/rules/rewrite.h"
#include "l7/rules/rule_set.h"
#include "mgmt/common/result.h"
#include "mgmt/config/l7_types.h"
#include "mgmt/l7/shared_state.h"

namespace vlb::mgmt::l7 {

namespace proxy = ::vlb::l7::proxy;

// How a real is named to health checks and operators: "address:port" (port 0 = the service's).
std::string l7RealIdentity(const config::L7Real& real, uint16_t service_port);

// One real of a pool as the director forwards to it.
struct RealTarget {
  std::string identity;  // "192.0.2.11:443": what health checks and `show` name it by
  sockaddr_storage address{};
  config::RealState admin = config::RealState::kEnabled;
  unsigned weight = 1;
  proxy::RealCounters* counters = nullptr;  // owned by SharedState
};

struct PoolRuntime {
  std::string name;
  config::L7Scheduler scheduler = config::L7Scheduler::kRr;
  std::unique_ptr<::vlb::l7::balance::Pool> pool;
  std::optional<::vlb::l7::balance::Selector> selector;
  std::vector<RealTarget> reals;  // index-aligned with `pool`
};

struct DirectorOptions {
  std::string unavailable_body =  // the 503 page when no real of the pool is up
      "<html><body><h1>503 Service Unavailable</h1>"
      "<p>No server is available to handle this request.</p></body></html>\n";
  std::string unavailable_type = "text/html; charset=utf-8";
};

class ServiceDirector : public proxy::Director {
 public:
  // Errors name the service, the object and the field.
  static Result<std::unique_ptr<ServiceDirector>> create(const config::L7Service& service,
                                                         SharedState& state,
                                                         const DirectorOptions& options = {});

  proxy::Decision route(const proxy::RequestInfo& request) override;
  void editResponse(const proxy::Decision& decision, const proxy::ResponseInfo& response,
                    proxy::HeaderEdits* edits) override;
  void onRequestStart(uint64_t real_id) override;
  void onRequestEnd(uint64_t real_id) override;
  void onUpstreamOpened(uint64_t real_id) override;  // lc counts open upstream connections
  void onUpstreamClosed(uint64_t real_id) override;

  // Health verdict for every pool real called `identity`; false when the service has none.
  bool setRealUp(const std::string& identity, bool up);

  const std::string& name() const { return name_; }
  const std::vector<PoolRuntime>& pools() const { return pools_; }

 private:
  ServiceDirector() = default;
  Status buildPools(const config::L7Service& service, SharedState& state);
  proxy::Decision forward(const proxy::RequestInfo& request, uint32_t pool_index);
  proxy::Decision local(const ::vlb::l7::rules::Action& action, const proxy::RequestInfo& request,
                        const ::vlb::l7::http::RequestHead& head) const;

  std::string name_;
  bool https_ = false;
  bool reencrypt_ = false;
  std::string reencrypt_sni_;
  config::L7PersistenceMode persistence_ = config::L7PersistenceMode::kNone;
  std::unique_ptr<const ::vlb::l7::rules::RuleSet> rules_;
  std::vector<uint32_t> pool_of_rule_pool_;  // RuleSet::pools() index → pools_ index
  std::vector<PoolRuntime> pools_;
  std::vector<std::string> cookie_names_;  // per pool
  std::shared_ptr<::vlb::l7::balance::SourcePersistence> source_;
  ::vlb::l7::rules::LocationRewrite location_;
  std::vector<::vlb::l7::rules::DomainMapping> cookie_domains_;
  DirectorOptions options_;
};

}  // namespace vlb::mgmt::l7
