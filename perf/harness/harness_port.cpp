#include "harness_port.h"

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

namespace vlb::harness {
namespace {

std::string failed(const char* what, int rc) {
  return std::string(what) + ": " + rte_strerror(rc < 0 ? -rc : rc);
}

}  // namespace

std::optional<OpenPort> openPort(const PortOptions& options, rte_mempool* pool,
                                 std::string* error) {
  const std::string name = options.devargs.substr(0, options.devargs.find(','));
  if (int rc = rte_dev_probe(options.devargs.c_str()); rc != 0) {
    *error = failed(("cannot probe \"" + options.devargs + "\"").c_str(), rc);
    return std::nullopt;
  }
  uint16_t id;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &id) != 0) {
    *error = "no ethdev named \"" + name + "\" after probing \"" + options.devargs + "\"";
    return std::nullopt;
  }
  rte_eth_conf conf{};
  if (int rc = rte_eth_dev_configure(id, 1, 1, &conf); rc != 0) {
    *error = failed("cannot configure the port", rc);
    return std::nullopt;
  }
  uint16_t rxd = options.rx_descriptors, txd = options.tx_descriptors;
  rte_eth_dev_adjust_nb_rx_tx_desc(id, &rxd, &txd);
  const int socket = rte_eth_dev_socket_id(id);
  if (int rc = rte_eth_rx_queue_setup(id, 0, rxd, socket, nullptr, pool); rc != 0) {
    *error = failed("cannot set up the rx queue", rc);
    return std::nullopt;
  }
  if (int rc = rte_eth_tx_queue_setup(id, 0, txd, socket, nullptr); rc != 0) {
    *error = failed("cannot set up the tx queue", rc);
    return std::nullopt;
  }
  if (int rc = rte_eth_dev_start(id); rc != 0) {
    *error = failed("cannot start the port", rc);
    return std::nullopt;
  }
  rte_eth_promiscuous_enable(id);
  OpenPort port{id, {}};
  rte_eth_macaddr_get(id, &port.mac);
  return port;
}

namespace {

bool waitForLinkState(const std::vector<uint16_t>& ports, bool up, unsigned timeout_ms,
                      const volatile int* stop) {
  for (unsigned waited = 0; !(stop && *stop); waited += 10) {
    bool all = true;
    for (uint16_t id : ports) {
      rte_eth_link link{};
      all &= rte_eth_link_get_nowait(id, &link) == 0 && (link.link_status == RTE_ETH_LINK_UP) == up;
    }
    if (all) return true;
    if (waited >= timeout_ms) return false;
    rte_delay_us_sleep(10 * 1000);
  }
  return false;
}

}  // namespace

bool waitForLinks(const std::vector<uint16_t>& ports, unsigned timeout_ms) {
  return waitForLinkState(ports, true, timeout_ms, nullptr);
}

bool waitForLinksDown(const std::vector<uint16_t>& ports, unsigned timeout_ms,
                      const volatile int* stop) {
  return waitForLinkState(ports, false, timeout_ms, stop);
}

void closePorts(const std::vector<uint16_t>& ports) {
  for (uint16_t id : ports) rte_eth_dev_stop(id);
  for (uint16_t id : ports) rte_eth_dev_close(id);
}

double secondsBetween(uint64_t from, uint64_t to) {
  return double(to - from) / double(rte_get_tsc_hz());
}

}  // namespace vlb::harness
