#include "datapath/port/port.h"

#include <rte_ethdev.h>

namespace vlb::dp {
namespace {

std::string describe(const char* what, int rc) {
  return std::string(what) + ": " + rte_strerror(rc < 0 ? -rc : rc);
}

}  // namespace

std::optional<uint16_t> startPort(const PortSetup& setup, std::string* error) {
  const std::string name = deviceName(setup.devargs);
  uint16_t port_id;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id) != 0) {
    *error = "no DPDK port for \"" + setup.devargs + "\" (device not found or not probed)";
    return std::nullopt;
  }
  rte_eth_dev_info info;
  if (int rc = rte_eth_dev_info_get(port_id, &info); rc != 0) {
    *error = describe("cannot read device info", rc);
    return std::nullopt;
  }
  if (info.max_rx_queues < setup.queues || info.max_tx_queues < setup.queues) {
    *error = "needs " + std::to_string(setup.queues) + " rx and tx queues (one per datapath lcore); " +
             "the device offers " + std::to_string(info.max_rx_queues) + "/" +
             std::to_string(info.max_tx_queues) +
             (isVirtualDevice(setup.devargs) ? " (net_af_packet: add qpairs=N to devargs)" : "");
    return std::nullopt;
  }
  rte_eth_conf conf{};
  // With several datapath lcores, RSS spreads flows over their queues, where the device can.
  const uint64_t rss = info.flow_type_rss_offloads &
                       (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
  if (setup.queues > 1 && rss) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf = rss;
  }
  if (int rc = rte_eth_dev_configure(port_id, setup.queues, setup.queues, &conf); rc != 0) {
    *error = describe("cannot configure the port", rc);
    return std::nullopt;
  }
  uint16_t rxd = setup.rx_descriptors, txd = setup.tx_descriptors;
  rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rxd, &txd);
  const int socket = rte_eth_dev_socket_id(port_id);
  for (uint16_t q = 0; q < setup.queues; ++q) {
    if (int rc = rte_eth_rx_queue_setup(port_id, q, rxd, socket, nullptr, setup.pool); rc != 0) {
      *error = describe("cannot set up an rx queue", rc);
      rte_eth_dev_close(port_id);
      return std::nullopt;
    }
    if (int rc = rte_eth_tx_queue_setup(port_id, q, txd, socket, nullptr); rc != 0) {
      *error = describe("cannot set up a tx queue", rc);
      rte_eth_dev_close(port_id);
      return std::nullopt;
    }
  }
  // Not every PMD can change its MTU; the twin keeps the configured one either way.
  rte_eth_dev_set_mtu(port_id, setup.mtu);
  if (int rc = rte_eth_dev_start(port_id); rc != 0) {
    *error = describe("cannot start the port", rc);
    rte_eth_dev_close(port_id);
    return std::nullopt;
  }
  rte_eth_promiscuous_enable(port_id);
  return port_id;
}

void stopPort(uint16_t port_id) {
  rte_eth_promiscuous_disable(port_id);
  rte_eth_dev_stop(port_id);
  rte_eth_dev_close(port_id);
}

MacAddr portMac(uint16_t port_id) {
  rte_ether_addr a{};
  rte_eth_macaddr_get(port_id, &a);
  MacAddr m;
  for (int i = 0; i < 6; ++i) m.bytes[i] = a.addr_bytes[i];
  return m;
}

bool portLinkUp(uint16_t port_id) {
  rte_eth_link link{};
  if (rte_eth_link_get_nowait(port_id, &link) != 0) return false;
  return link.link_status == RTE_ETH_LINK_UP;
}

}  // namespace vlb::dp
