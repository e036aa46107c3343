// Object kinds of the network: ports, VLANs, routes, SNAT pools, static NAT, forwarding services.
#include "mgmt/model/kinds.h"

namespace vlb::model::kinds {

void registerNetwork(Registry& r) {
  r.add("network", keyedList("ports", "port", {"port", {
      scalar("name", Type::kName, "Port name"),
      choice("role", {"external", "internal", "dmz"}, "Where the port faces"),
      scalar("devargs", Type::kString, "PCI address or vdev"),
      scalar("twin", Type::kName, "Kernel twin interface name"),
      list("addresses", scalar("", Type::kPrefix, ""), "Self IPs with their subnet"),
      integer("mtu", 576, 9000, "MTU"),
      integer("rx_descriptors", 64, 16384, "Receive ring size"),
      integer("tx_descriptors", 64, 16384, "Transmit ring size"),
  }}, {"name"}, "Datapath ports"));
  r.add("network", keyedList("vlans", "vlan", {"vlan", {
      scalar("name", Type::kName, "VLAN sub-interface name, e.g. int.100"),
      scalar("port", Type::kName, "The port the VLAN is tagged on"),
      integer("id", 1, 4094, "802.1Q VLAN id"),
      list("addresses", scalar("", Type::kPrefix, ""), "Self IPs with their subnet"),
      integer("mtu", 576, 9000, "MTU (default: the port's)"),
  }}, {"name"}, "802.1Q VLANs on the ports"));
  r.add("network", keyedList("routes", "route", {"route", {
      scalar("destination", Type::kPrefix, "Destination network"),
      scalar("gateway", Type::kIpAddress, "Next hop"),
  }}, {"destination"}, "Static routes"));
  r.add("nat", keyedList("snat_pools", "snat-pool", {"snat-pool", {
      scalar("name", Type::kName, "Pool name"),
      list("addresses", scalar("", Type::kIpv4, ""), "Source addresses"),
  }}, {"name"}, "Source address pools for SNAT"));
  r.add("nat", keyedList("static_nats", "static-nat", {"static-nat", {
      scalar("public", Type::kIpv4, "Public address"),
      scalar("private", Type::kIpv4, "Private address"),
  }}, {"public"}, "1:1 NAT"));
  r.add("forwarding", keyedList("forwarding_services", "forwarding-service", {"forwarding-service", {
      scalar("name", Type::kName, "Service name"),
      scalar("source", Type::kPrefix, "Source network"),
      scalar("snat", Type::kString, "automap, none or a snat-pool name"),
  }}, {"name"}, "Routed traffic from a source network"));
}

}  // namespace vlb::model::kinds
