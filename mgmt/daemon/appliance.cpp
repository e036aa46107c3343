#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"

#include <signal.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "datapath/flow/snat_ports.h"
#include "datapath/port/port.h"
#include "mgmt/daemon/eal_args.h"

namespace vlb::mgmt {
namespace {

constexpr unsigned kMbufCache = 256;
constexpr unsigned kHandoffRingSize = 2048;  // per datapath lcore; a power of two
constexpr unsigned kFrameOverhead = 14 + 4 + 4;  // Ethernet header, one VLAN tag, FCS
// Each kernel-table rebuild costs a full dump and a new LPM table: at most one per this interval.
constexpr auto kResyncInterval = std::chrono::milliseconds(20);
// The longest the control thread sleeps when nothing happens: timers of the loop below.
constexpr int kHousekeepingMs = 10;

int launchWorker(void* arg) { return static_cast<dp::Worker*>(arg)->run(); }

}  // namespace

Appliance::Appliance(config::Config cfg, nlohmann::ordered_json doc,
                     std::unique_ptr<revisions::RevisionStore> store)
    : cfg_(std::move(cfg)), running_doc_(std::move(doc)), store_(std::move(store)) {}

Appliance::~Appliance() { stop(); }

Status Appliance::start(const std::string& argv0) {
  Status st = startEal(argv0);
  if (st) st = startPorts();
  if (st) st = startServices();
  if (st) st = startWorkers();
  // What the twins are not created with (VLAN sub-interfaces, default gateway, host name, DNS
  // servers), now that the ports and the datapath are up.
  if (st) applySystem(cfg_);
  if (st) st = startControl();
  if (st) st = startHealth();
  if (st) st = startMetrics();
  if (st) st = startL7();
  if (!st) stop();
  return st;
}

Status Appliance::startEal(const std::string& argv0) {
  auto args = ealArguments(cfg_, argv0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(int(args.size()), argv.data()) < 0)
    return fail(std::string("EAL initialisation failed: ") + rte_strerror(rte_errno));
  eal_up_ = true;
  unsigned lcore;
  RTE_LCORE_FOREACH_WORKER(lcore) worker_lcores_.push_back(lcore);
  if (worker_lcores_.empty())
    return fail("eal: field \"lcores\": needs at least two lcores, one for control and one for "
                "the datapath (e.g. \"0-1\")");
  // Every descriptor of every queue may hold an mbuf, plus the per-lcore caches and the rings.
  const unsigned lcores = unsigned(worker_lcores_.size());
  unsigned needed = (lcores + 1) * kMbufCache + 2 * lcores * cfg_.datapath.punt_ring_size +
                    (lcores > 1 ? lcores * kHandoffRingSize : 0);
  for (const auto& p : cfg_.ports) needed += lcores * (p.rx_descriptors + p.tx_descriptors);
  if (cfg_.datapath.mbufs < needed)
    return fail("datapath: field \"mbufs\": " + std::to_string(cfg_.datapath.mbufs) +
                " is too few for " + std::to_string(cfg_.ports.size()) + " ports with " +
                std::to_string(lcores) + " datapath lcores; needs at least " +
                std::to_string(needed) + " (descriptors, caches and exception rings)");
  // One buffer holds a whole frame of the largest MTU: the datapath and the exception path
  // handle single-segment frames only.
  unsigned max_mtu = 1500;
  for (const auto& p : cfg_.ports) max_mtu = std::max(max_mtu, p.mtu);
  const unsigned data_room = std::max<unsigned>(
      RTE_MBUF_DEFAULT_BUF_SIZE, RTE_PKTMBUF_HEADROOM + max_mtu + kFrameOverhead);
  pool_ = rte_pktmbuf_pool_create("vlb_mbufs", cfg_.datapath.mbufs, kMbufCache, 0,
                                  uint16_t(data_room), int(rte_socket_id()));
  if (!pool_) return fail(std::string("cannot create the packet pool: ") + rte_strerror(rte_errno));
  return Ok{};
}

Status Appliance::startPorts() {
  if (cfg_.ports.size() > dp::kMaxPorts)
    return fail("ports: at most " + std::to_string(dp::kMaxPorts) + " are supported");
  for (const auto& pc : cfg_.ports) {
    dp::PortSetup setup;
    setup.devargs = pc.devargs;
    setup.queues = uint16_t(worker_lcores_.size());
    setup.rx_descriptors = uint16_t(pc.rx_descriptors);
    setup.tx_descriptors = uint16_t(pc.tx_descriptors);
    setup.mtu = uint16_t(pc.mtu);
    setup.pool = pool_;
    std::string error;
    auto id = dp::startPort(setup, &error);
    if (!id) return fail("port \"" + pc.name + "\": " + error);
    PortRuntime rt;
    rt.config = pc;
    rt.port_id = *id;
    rt.mac = dp::portMac(*id);
    ports_.push_back(std::move(rt));
    // Pushed first so that stop() stops the port even if its twin fails below.
    auto twin = KernelTwin::create(pc.twin.empty() ? pc.name : pc.twin, ports_.back().mac, pc.mtu,
                                   pc.addresses);
    if (!twin) return fail("port \"" + pc.name + "\": " + twin.error());
    ports_.back().twin = std::move(*twin);
  }
  // The kernel is the slow path: it forwards what the datapath cannot yet (unresolved
  // neighbours, expiring TTLs) and answers with ICMP.
  if (auto st = writeSysctl("net/ipv4/ip_forward", "1"); !st) logLine(st.error());
  // The SNAT ports are the datapath's: the kernel must not pick them for its own connections.
  const std::string snat_ports = std::to_string(dp::flow::kSnatFirstPort) + "-" +
                                 std::to_string(dp::flow::kSnatLastPort);
  if (auto st = writeSysctl("net/ipv4/ip_local_reserved_ports", snat_ports); !st) return st;
  for (const auto& route : cfg_.routes)
    if (auto st = addKernelRoute(route); !st) return st;
  return Ok{};
}

Status Appliance::startWorkers() {
  const unsigned n = unsigned(worker_lcores_.size());
  const size_t rcu_size = rte_rcu_qsbr_get_memsize(n);
  rcu_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("vlb_rcu", rcu_size, RTE_CACHE_LINE_SIZE));
  if (!rcu_ || rte_rcu_qsbr_init(rcu_, n) != 0) return fail("cannot set up RCU");

  auto follower = KernelFollower::open();
  if (!follower) return fail(follower.error());
  follower_ = std::move(*follower);
  resyncKernel();

  std::vector<dp::WorkerPort> wports;
  for (const auto& p : ports_) wports.push_back({p.port_id, p.mac});
  // With several datapath lcores, each has a ring for the packets of connections it owns that
  // RSS delivered elsewhere (datapath/l4/steering.h).
  if (n > 1) {
    for (unsigned i = 0; i < n; ++i) {
      const std::string name = "vlb_handoff_" + std::to_string(i);
      handoff_rings_.push_back(rte_ring_create(name.c_str(), kHandoffRingSize, SOCKET_ID_ANY, RING_F_SC_DEQ));
      if (!handoff_rings_.back())
        return fail(std::string("cannot create the hand-off rings: ") + rte_strerror(rte_errno));
    }
  }
  for (unsigned i = 0; i < n; ++i) {
    const unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
    const std::string punt = "vlb_punt_" + std::to_string(i);
    const std::string inject = "vlb_inject_" + std::to_string(i);
    punt_rings_.push_back(rte_ring_create(punt.c_str(), cfg_.datapath.punt_ring_size, SOCKET_ID_ANY, flags));
    inject_rings_.push_back(rte_ring_create(inject.c_str(), cfg_.datapath.punt_ring_size, SOCKET_ID_ANY, flags));
    if (!punt_rings_.back() || !inject_rings_.back())
      return fail(std::string("cannot create the exception rings: ") + rte_strerror(rte_errno));
    rte_rcu_qsbr_thread_register(rcu_, i);
    dp::WorkerSetup setup;
    setup.index = i;
    setup.ports = wports;
    setup.punt_ring = punt_rings_.back();
    setup.inject_ring = inject_rings_.back();
    setup.doorbell = &punt_doorbell_;
    setup.fib = &fib_;
    setup.rcu = rcu_;
    setup.idle_sleep_us = cfg_.datapath.idle_sleep_us;
    setup.stop = &stop_workers_;
    // Every lcore has its engine, so that virtual services can be added live.
    engines_.push_back(dp::l4::Engine::create(i, n, cfg_.datapath.connections));
    if (!engines_.back() || !engines_.back()->prepare(*services_))
      return fail("datapath: field \"connections\": cannot allocate flow tables for " +
                  std::to_string(cfg_.datapath.connections) + " connections per lcore");
    setup.l4 = engines_.back().get();
    setup.services = &published_services_;
    setup.handoff = handoff_rings_;
    workers_.push_back(std::make_unique<dp::Worker>(std::move(setup)));
  }
  published_services_.store(services_.get(), std::memory_order_release);
  for (unsigned i = 0; i < n; ++i) {
    if (rte_eal_remote_launch(launchWorker, workers_[i].get(), worker_lcores_[i]) != 0)
      return fail("cannot launch the datapath on lcore " + std::to_string(worker_lcores_[i]));
    workers_running_ = true;  // from the first one on, stop() must stop and wait for them
  }
  return Ok{};
}

Status Appliance::startControl() {
  if (!loop_.ok()) return fail("cannot create the event loop");
  raw_fd_ = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (raw_fd_ < 0) return fail(std::string("cannot open a raw IP socket: ") + strerror(errno));
  registerShowCommands();
  registerServiceCommands();
  registerConfigCommands();
  registerL7Commands();
  registerHealthCommands();
  registerFlowCommands();
  control_ = std::make_unique<ControlServer>(loop_, commands_);
  control_->setEditing([this](const Session& s) { return candidateDiffers(s); });
  if (auto st = control_->listen(cfg_.control.socket); !st) return st;

  loop_.add(follower_->fd(), EPOLLIN, [this](uint32_t) { follower_->onReadable(); });
  if (punt_doorbell_.fd() < 0) return fail("cannot create the exception path's eventfd");
  loop_.add(punt_doorbell_.fd(), EPOLLIN, [this](uint32_t) { punt_doorbell_.clear(); });
  for (size_t i = 0; i < ports_.size(); ++i)
    loop_.add(ports_[i].twin->fd(), EPOLLIN, [this, i](uint32_t) { onTwinReadable(i); });

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return fail("cannot create a signalfd");
  loop_.add(signal_fd_, EPOLLIN, [this](uint32_t) {
    signalfd_siginfo si;
    while (read(signal_fd_, &si, sizeof si) == sizeof si) {
      logLine(std::string("stopping on ") + strsignal(int(si.ssi_signo)));
      stopping_ = true;
    }
  });
  return Ok{};
}

void Appliance::run() {
  logLine("running: " + std::to_string(ports_.size()) + " ports, " +
          std::to_string(workers_.size()) + " datapath lcores, control socket " +
          cfg_.control.socket);
  while (!stopping_) {
    // Busy while the exception path has work; otherwise sleep on events until a worker punts
    // (the doorbell) or the housekeeping below is due.
    int timeout_ms = 0;
    if (!drainPunts()) {
      punt_doorbell_.arm();
      if (puntsWaiting())
        punt_doorbell_.disarm();
      else
        timeout_ms = kHousekeepingMs;
    }
    loop_.runOnce(timeout_ms);
    punt_doorbell_.disarm();
    control_->expireIdle();
    expireConfirmedCommit();
    if (metrics_) metrics_->expireIdle();
    if (follower_->dirty() && std::chrono::steady_clock::now() - last_resync_ >= kResyncInterval)
      resyncKernel();
    resolveReals();
    sampleRates();
  }
}

void Appliance::stop() {
  stopL7();
  metrics_.reset();
  if (checker_) loop_.remove(checker_->fd());
  checker_.reset();
  if (workers_running_) {
    stop_workers_.store(true);
    rte_eal_mp_wait_lcore();
    workers_running_ = false;
  }
  control_.reset();
  if (raw_fd_ >= 0) close(raw_fd_);
  raw_fd_ = -1;
  if (signal_fd_ >= 0) {
    loop_.remove(signal_fd_);
    close(signal_fd_);
    signal_fd_ = -1;
  }
  for (auto* rings : {&punt_rings_, &inject_rings_, &handoff_rings_}) {
    for (auto* ring : *rings) {
      void* m;
      while (ring && rte_ring_dequeue(ring, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
      rte_ring_free(ring);
    }
  }
  punt_rings_.clear();
  inject_rings_.clear();
  handoff_rings_.clear();
  workers_.clear();
  engines_.clear();
  published_services_.store(nullptr);
  services_.reset();
  for (auto& p : ports_) {
    if (p.twin) loop_.remove(p.twin->fd());
    p.twin.reset();  // closing the TAP removes the interface
    dp::stopPort(p.port_id);
  }
  ports_.clear();
  delete fib_.exchange(nullptr);
  follower_.reset();
  if (rcu_) rte_free(rcu_);
  rcu_ = nullptr;
  if (pool_) rte_mempool_free(pool_);
  pool_ = nullptr;
  if (eal_up_) {
    const std::string runtime_dir = rte_eal_get_runtime_dir();
    rte_eal_cleanup();
    // Only when empty: files of another process stay.
    rmdir(runtime_dir.c_str());
    rmdir(std::filesystem::path(runtime_dir).parent_path().c_str());
  }
  eal_up_ = false;
}

}  // namespace vlb::mgmt
