// vlbd's wiring: EAL, ports and their kernel twins, datapath lcores, the exception path, the
// kernel-table follower and the control API, all driven by the control thread's event loop.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "datapath/fib/fib.h"
#include "datapath/fib/fib_plan.h"
#include "datapath/fib/kernel_tables.h"
#include "mgmt/daemon/l4_compile.h"
#include "mgmt/health/health_checker.h"
#include "mgmt/metrics/metrics_server.h"
#include "datapath/l4/l4_services.h"
#include "datapath/worker/worker.h"
#include "mgmt/config/config.h"
#include "mgmt/control/command_registry.h"
#include "mgmt/control/control_server.h"
#include "mgmt/daemon/event_loop.h"
#include "mgmt/daemon/l4_compile.h"
#include "mgmt/netlink/kernel_follower.h"
#include "mgmt/revisions/revision_store.h"
#include "mgmt/twin/kernel_twin.h"
#include "mgmt/daemon/transparent_reals.h"

namespace vlb::mgmt {
namespace l7 {
class L7Runtime;  // mgmt/l7/l7_runtime.h
}

// Losses on the exception path, counted by the control thread.
struct ExceptionCounters {
  uint64_t to_kernel = 0;           // punted frames written to the twin
  uint64_t from_kernel = 0;         // frames the kernel wrote to the twin
  uint64_t twin_write_failed = 0;   // the twin's queue was full
  uint64_t inject_ring_full = 0;    // the datapath's inject ring was full
  uint64_t no_mbuf = 0;             // the packet pool was empty
  uint64_t twin_frame_too_big = 0;  // the kernel wrote a frame larger than a packet buffer
  uint64_t routed_by_kernel = 0;    // translated packets sent for the kernel to resolve and route
  uint64_t route_send_failed = 0;   // ... that the kernel refused
};

struct PortRuntime {
  config::Port config;
  uint16_t port_id = 0;
  dp::MacAddr mac{};
  std::unique_ptr<KernelTwin> twin;
  ExceptionCounters exceptions;
};

class Appliance {
 public:
  // `doc`: the configuration as the JSON document it was parsed from; `store`: where commits are
  // persisted (nullptr: they are not).
  Appliance(config::Config cfg, nlohmann::ordered_json doc,
            std::unique_ptr<revisions::RevisionStore> store);
  ~Appliance();

  // Brings everything up; on failure, what was started is stopped again.
  Status start(const std::string& argv0);
  // Runs the control thread until SIGTERM or SIGINT (which the caller has blocked).
  void run();

 private:
  Status startEal(const std::string& argv0);
  Status startPorts();
  Status startWorkers();
  Status startControl();
  void stop();

  void registerShowCommands();
  // L4 virtual services (l4_control.cpp).
  Status startServices();
  // A new generation of the services from `next` (with down_reals_), published to the datapath;
  // the old one is freed after every lcore has moved on. Nothing changes when it fails.
  Status publishServices(const config::Config& next);
  // The two halves of publishServices: compile and prepare the engines (may fail, changes
  // nothing), then publish (cannot fail).
  Result<std::unique_ptr<dp::l4::Services>> prepareServices(const config::Config& next);
  void publishServices(std::unique_ptr<dp::l4::Services> fresh);
  // VIP addresses on the twins: those of `next` added, those only in cfg_ removed.
  Status syncVips(const config::Config& next);
  // Applies a whole new configuration live, all or nothing (some port and EAL settings need a
  // restart: refused).
  Status applyConfig(const config::Config& next);
  // The appliance's own settings (system_control.cpp): changes only a restart can apply are
  // refused before anything changes; the rest (static routes, ...) go to the kernel.
  Status refuseRestartChanges(const config::Config& next) const;
  void applySystem(const config::Config& next);
  void syncRoutes(const config::Config& next);
  // L7 services (l7_control.cpp): the proxy engine on kernel sockets, its TLS contexts, rules
  // and pools, compiled from the config (mgmt/l7). Started after the L4 services, reconfigured
  // live by applyConfig, stopped first.
  Status startL7();
  Status applyL7(const config::Config& next);
  Status checkL7(const config::Config& next);  // commit check: certificates and logs load
  // Policy rules delivering transparent reals' answers to the proxy (l7_transparent.cpp).
  Status syncTransparentRules(const config::Config& next);
  void stopL7();
  void registerL7Commands();
  // Real-server checks (health_control.cpp) on the control thread; their verdicts feed down_reals_.
  Status startHealth();
  Status applyHealth(const config::Config& next);
  void onHealthEvent(const health::HealthEvent& event);
  void registerHealthCommands();
  std::vector<health::RealCheck> checksOf(const config::Config& cfg,
                                          std::map<health::RealKey, std::string>* names) const;
  // show flows, test flow (flow_commands.cpp).
  void registerFlowCommands();
  // Prometheus metrics (metrics_control.cpp) when control.metrics_address is set.
  Status startMetrics();
  void fillMetrics(metrics::MetricsPage& page);
  // Configuration commands (config_commands.cpp): candidate per session, commit, rollback.
  void registerConfigCommands();
  bool candidateDiffers(const Session& session) const;
  // Validates, applies live, persists: the new running configuration. Nothing changes on failure
  // (except "applied, but not saved" when only the disk write failed).
  Status commitDocument(const nlohmann::ordered_json& doc, const std::string& user,
                        const std::string& comment);
  void expireConfirmedCommit();
  void registerServiceCommands();
  // "up", "down" (health check), "disabled", "drain" or "removed".
  std::string realState(const std::string& service, const std::string& identity,
                        const dp::l4::Real& real) const;
  void resolveReals();
  void sampleRates();
  uint64_t serviceOpened(size_t service) const;
  // A service's (by slot) and a real's counters summed over the datapath lcores.
  dp::l4::ServiceTotals serviceTotals(size_t service) const;
  dp::l4::RealTotals realTotals(size_t service, size_t real) const;
  // Per-port counters summed over the datapath lcores, and all drops by reason.
  dp::PortCountersSnapshot portCounters(size_t port) const;
  nlohmann::ordered_json dropsOf(size_t port) const;
  void resyncKernel();
  void publishFib(std::unique_ptr<dp::Fib> fib);
  unsigned drainPunts();
  bool puntsWaiting() const;  // packets on any punt ring
  bool sendAsKernel(const uint8_t* frame, uint32_t len);
  void onTwinReadable(size_t port);
  std::optional<uint16_t> portOfIfindex(int ifindex) const;
  std::string interfaceName(int ifindex) const;

  config::Config cfg_;
  nlohmann::ordered_json running_doc_;  // cfg_ as the JSON document the model edits
  uint64_t revision_ = 1;               // running revision since start (for edit conflicts)
  std::unique_ptr<revisions::RevisionStore> store_;  // nullptr: commits are not persisted
  std::optional<std::chrono::steady_clock::time_point> confirm_deadline_;
  nlohmann::ordered_json confirm_previous_;  // what a lapsed commit confirmed returns to
  bool eal_up_ = false;
  rte_mempool* pool_ = nullptr;
  std::vector<PortRuntime> ports_;
  std::set<TransparentReal> transparent_rules_;  // policy rules installed in the kernel
  std::vector<rte_ring*> punt_rings_, inject_rings_, handoff_rings_;
  dp::PuntDoorbell punt_doorbell_;  // wakes run() when a worker punts while it sleeps
  std::vector<std::unique_ptr<dp::Worker>> workers_;
  std::unique_ptr<dp::l4::Services> services_;  // the generation the datapath reads
  std::atomic<const dp::l4::Services*> published_services_{nullptr};
  DownReals down_reals_;  // from the health checks
  std::unique_ptr<health::HealthChecker> checker_;
  std::unique_ptr<metrics::MetricsServer> metrics_;
  std::vector<std::pair<uint64_t, uint64_t>> last_polls_;  // per lcore at the last scrape
  std::map<health::RealKey, std::string> health_names_;  // checked real → "service/identity"
  std::shared_ptr<l7::L7Runtime> l7_;  // nullptr until startL7() (shared_ptr: an incomplete type here)
  // VIP text → (address, port index of the twin it is on); shared by services with one VIP.
  std::map<std::string, std::pair<config::IpAddress, size_t>> installed_vips_;
  std::vector<std::unique_ptr<dp::l4::Engine>> engines_;  // one per datapath lcore
  std::chrono::steady_clock::time_point last_resolve_{};
  std::chrono::steady_clock::time_point last_sample_{};
  std::vector<uint64_t> opened_at_sample_;        // per service
  std::vector<double> connections_per_second_;   // per service, over the last second
  std::vector<std::vector<uint64_t>> real_opened_at_sample_;     // per service, per real
  std::vector<std::vector<double>> real_connections_per_second_;  // per service, per real
  std::vector<unsigned> worker_lcores_;
  rte_rcu_qsbr* rcu_ = nullptr;
  std::atomic<const dp::Fib*> fib_{nullptr};
  std::atomic<bool> stop_workers_{false};
  bool workers_running_ = false;

  EventLoop loop_;
  CommandRegistry commands_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<KernelFollower> follower_;
  dp::KernelTables tables_;
  dp::FibPlan fib_plan_;  // what the published FIB holds
  uint64_t fib_generation_ = 0;
  std::chrono::steady_clock::time_point last_resync_{};
  int signal_fd_ = -1;
  int raw_fd_ = -1;  // sends translated packets as the kernel's own (see dp::kPuntToRoute)
  bool stopping_ = false;
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
};

}  // namespace vlb::mgmt
