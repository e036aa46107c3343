// Object kinds of the appliance itself: hostname, system, eal, control, datapath.
#include "mgmt/model/kinds.h"

namespace vlb::model::kinds {

void registerSystem(Registry& r) {
  r.add("system", scalar("hostname", Type::kHostname, "The appliance's name (older place; prefer system hostname)"));
  r.add("system", object("system", {"system", {
      scalar("hostname", Type::kHostname, "The appliance's name"),
      list("dns_servers", scalar("", Type::kIpAddress, ""), "DNS servers, at most 3"),
      scalar("default_gateway", Type::kIpAddress, "The default route's next hop"),
  }}, "Host settings"));
  r.add("eal", object("eal", {"eal", {
      scalar("no_huge", Type::kBool, "Plain memory instead of hugepages"),
      scalar("no_pci", Type::kBool, "Do not probe PCI devices"),
      scalar("in_memory", Type::kBool, "No runtime files under /var/run/dpdk"),
      scalar("file_prefix", Type::kString, "--file-prefix"),
      integer("memory_mb", 0, 65536, "MiB to reserve (0: default)"),
      scalar("lcores", Type::kString, "-l, e.g. 0-1"),
      list("extra_args", scalar("", Type::kString, ""), "Extra EAL arguments"),
  }}, "DPDK environment options"));
  r.add("control", object("control", {"control", {
      scalar("socket", Type::kPath, "The control API's UNIX socket"),
      scalar("metrics_address", Type::kIpv4, "Serve Prometheus metrics (GET /metrics) on this address"),
      scalar("metrics_port", Type::kPort, "The metrics port (9100)"),
  }}, "The control API"));
  r.add("datapath", object("datapath", {"datapath", {
      integer("mbufs", 1023, 1048575, "Packet buffers"),
      integer("punt_ring_size", 64, 65536, "Ring size to the control thread (power of two)"),
      integer("idle_sleep_us", 0, 100000, "Sleep after an empty poll"),
      integer("connections", 1024, 1 << 30, "L4 connections per datapath lcore"),
  }}, "Datapath sizing and polling"));
}

}  // namespace vlb::model::kinds
