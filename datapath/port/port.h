// A DPDK ethdev port opened from its devargs: configured with one rx and one tx queue per
// datapath lcore, started, promiscuous.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <rte_mempool.h>

#include "datapath/packet/frame.h"
#include "datapath/port/devargs.h"

namespace vlb::dp {

struct PortSetup {
  std::string devargs;  // as given to EAL (--vdev or -a)
  uint16_t queues = 1;  // rx and tx queues each: one per datapath lcore
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint16_t mtu = 1500;
  rte_mempool* pool = nullptr;
};

// Finds the probed port of `setup.devargs`, configures and starts it.
std::optional<uint16_t> startPort(const PortSetup& setup, std::string* error);
void stopPort(uint16_t port_id);

MacAddr portMac(uint16_t port_id);
bool portLinkUp(uint16_t port_id);

}  // namespace vlb::dp
