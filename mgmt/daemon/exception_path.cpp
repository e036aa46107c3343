// The control thread's side of the datapath: punted frames to the kernel twins, frames the
// kernel writes back out of the ports, and the forwarding table rebuilt from the kernel's.
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <rte_mbuf.h>

#include "datapath/fib/fib_plan.h"
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"

namespace vlb::mgmt {
namespace {

constexpr size_t kMaxFrame = 16 * 1024;
constexpr unsigned kTwinReadsPerWake = 64;

}  // namespace

std::optional<uint16_t> Appliance::portOfIfindex(int ifindex) const {
  for (size_t i = 0; i < ports_.size(); ++i)
    if (ports_[i].twin && ports_[i].twin->ifindex() == ifindex) return uint16_t(i);
  return std::nullopt;
}

std::string Appliance::interfaceName(int ifindex) const {
  char name[IF_NAMESIZE] = {};
  if (!if_indextoname(unsigned(ifindex), name)) return "if" + std::to_string(ifindex);
  return name;
}

bool Appliance::sendAsKernel(const uint8_t* frame, uint32_t len) {
  if (!frame || len < dp::kEthHeaderLen + 20 || raw_fd_ < 0) return false;
  const uint8_t* ip = frame + dp::kEthHeaderLen;
  const size_t ip_len = std::min<size_t>(len - dp::kEthHeaderLen, size_t(ip[2] << 8 | ip[3]));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, ip + 16, 4);
  return sendto(raw_fd_, ip, ip_len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
         ssize_t(ip_len);
}

bool Appliance::puntsWaiting() const {
  for (rte_ring* ring : punt_rings_)
    if (rte_ring_count(ring)) return true;
  return false;
}

unsigned Appliance::drainPunts() {
  unsigned total = 0;
  uint8_t buf[kMaxFrame];
  for (rte_ring* ring : punt_rings_) {
    rte_mbuf* pkts[dp::kBurst];
    const unsigned n = rte_ring_dequeue_burst(ring, reinterpret_cast<void**>(pkts), dp::kBurst, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = pkts[i];
      for (auto& p : ports_) {
        if (p.port_id != m->port) continue;
        const uint32_t len = std::min<uint32_t>(m->pkt_len, kMaxFrame);
        const auto* data = static_cast<const uint8_t*>(rte_pktmbuf_read(m, 0, len, buf));
        if (m->hash.usr == dp::kPuntToRoute) {
          sendAsKernel(data, len) ? ++p.exceptions.routed_by_kernel : ++p.exceptions.route_send_failed;
        } else if (data && write(p.twin->fd(), data, len) == ssize_t(len)) {
          ++p.exceptions.to_kernel;
        } else {
          ++p.exceptions.twin_write_failed;
        }
        break;
      }
      rte_pktmbuf_free(m);
    }
    total += n;
  }
  return total;
}

void Appliance::onTwinReadable(size_t port) {
  PortRuntime& p = ports_[port];
  uint8_t buf[kMaxFrame];
  for (unsigned i = 0; i < kTwinReadsPerWake; ++i) {
    const ssize_t len = read(p.twin->fd(), buf, sizeof buf);
    if (len <= 0) return;  // EAGAIN: drained
    ++p.exceptions.from_kernel;
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (!m) {
      ++p.exceptions.no_mbuf;
      continue;
    }
    char* dst = rte_pktmbuf_append(m, uint16_t(len));
    if (!dst) {  // larger than the port's MTU allows: the pool is sized for that
      ++p.exceptions.twin_frame_too_big;
      rte_pktmbuf_free(m);
      continue;
    }
    std::memcpy(dst, buf, size_t(len));
    m->port = p.port_id;
    // Every datapath lcore has a tx queue on every port; the first one sends for the kernel.
    if (rte_ring_enqueue(inject_rings_[0], m) != 0) {
      ++p.exceptions.inject_ring_full;
      rte_pktmbuf_free(m);
    }
  }
}

void Appliance::resyncKernel() {
  last_resync_ = std::chrono::steady_clock::now();
  auto tables = follower_->dump();
  if (!tables) {
    logLine("kernel tables: " + tables.error());
    return;
  }
  tables_ = std::move(*tables);
  auto plan = dp::planFib(tables_, [this](int ifindex) { return portOfIfindex(ifindex); });
  // Most events (a neighbour going from reachable to stale) change nothing the datapath uses.
  if (fib_.load() && plan == fib_plan_) return;
  std::string error;
  auto fib = dp::Fib::build(plan, &error);
  if (!fib) {
    logLine("forwarding table not updated: " + error);
    return;
  }
  publishFib(std::move(fib));
  fib_plan_ = std::move(plan);
}

void Appliance::publishFib(std::unique_ptr<dp::Fib> fib) {
  const dp::Fib* old = fib_.exchange(fib.release(), std::memory_order_acq_rel);
  ++fib_generation_;
  // Wait until every datapath lcore has passed a quiescent point: none still reads `old`.
  if (old && workers_running_) rte_rcu_qsbr_synchronize(rcu_, RTE_QSBR_THRID_INVALID);
  delete old;
}

}  // namespace vlb::mgmt
