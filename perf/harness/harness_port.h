// Ports of the packet harness: one queue pair each, opened from a devargs string after EAL is up.
#pragma once

#include <rte_ether.h>
#include <rte_mempool.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlb::harness {

struct PortOptions {
  std::string devargs;  // e.g. "net_memif0,role=client,socket=/tmp/x.sock,socket-abstract=no"
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
};

struct OpenPort {
  uint16_t id;
  rte_ether_addr mac;
};

// Probes the device of `options.devargs` (hot-plug, so the devargs stay off EAL's command line),
// sets up one rx and one tx queue and starts it. nullopt with `*error` set on failure.
std::optional<OpenPort> openPort(const PortOptions& options, rte_mempool* pool, std::string* error);

// Waits up to `timeout_ms` for every port's link (a memif link is up once its peer connected).
bool waitForLinks(const std::vector<uint16_t>& ports, unsigned timeout_ms);

// Waits up to `timeout_ms` for every port's link to go down, without touching the rings: the
// memif PMD unmaps a ring when its peer goes away, under the feet of whoever polls it then.
// `stop` (a signal flag) ends the wait early.
bool waitForLinksDown(const std::vector<uint16_t>& ports, unsigned timeout_ms,
                      const volatile int* stop);

// Stops every port before closing any: a memif peer that sees one link go down may close its side
// while we still tear down the other, and the PMD's interrupt thread does not survive that.
void closePorts(const std::vector<uint16_t>& ports);

// Seconds between two TSC readings.
double secondsBetween(uint64_t from, uint64_t to);

}  // namespace vlb::harness
