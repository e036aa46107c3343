// Object kinds of L4 load balancing: virtual services, their reals and health checks.
#include "mgmt/model/kinds.h"

namespace vlb::model::kinds {

Field healthCheck() {
  return object("check", {"check", {
      choice("type", {"none", "icmp", "tcp", "http", "https"}, "How a real is probed"),
      scalar("port", Type::kPort, "Port to probe (default: the real's)"),
      choice("method", {"GET", "HEAD"}, "HTTP method"),
      scalar("url", Type::kString, "HTTP path and query"),
      scalar("host", Type::kString, "HTTP Host header"),
      scalar("expect", Type::kString, "Accepted status codes, e.g. 200,301-302"),
      scalar("body", Type::kString, "Text the body must contain"),
      scalar("header", Type::kString, "Extra request header \"Name: value\""),
      scalar("verify", Type::kBool, "HTTPS: verify the real's certificate"),
      scalar("ca_file", Type::kPath, "HTTPS: CA bundle for verify"),
      duration("interval_s", 1, 3600, "Seconds between checks"),
      duration("timeout_s", 1, 3600, "Seconds before a check fails"),
      integer("rise", 1, 100, "Successes to come up"),
      integer("fall", 1, 100, "Failures to go down"),
  }}, "Health check of the reals");
}

Field realState() { return choice("state", {"enabled", "disabled", "drain"}, "Administrative state"); }

void registerL4(Registry& r) {
  r.add("l4", keyedList("virtual_services", "virtual-service", {"virtual-service", {
      scalar("name", Type::kName, "Service name"),
      scalar("vip", Type::kIpv4, "Virtual IP"),
      choice("protocol", {"tcp", "udp"}, "Protocol"),
      scalar("port", Type::kPortRange, "Port, range or any"),
      choice("scheduler", {"rr", "wrr", "lc", "wlc", "sh", "maglev"}, "Scheduler"),
      object("persistence", {"persistence", {
          choice("mode", {"source-ip"}, "Persistence mode"),
          integer("prefix_length", 0, 32, "Clients in one /N share a real"),
          duration("timeout_s", 1, 604800, "Seconds after the last connection"),
      }}, "Source-IP persistence"),
      scalar("snat", Type::kString, "automap, none or a snat-pool name"),
      duration("idle_timeout_s", 1, 604800, "Idle timeout"),
      object("tcp_profile", {"tcp-profile", {
          scalar("loose_init", Type::kBool, "Accept mid-stream packets"),
          scalar("loose_close", Type::kBool, "End a flow on its first FIN"),
      }}, "TCP tracking options"),
      choice("on_real_down", {"keep", "reset"}, "Established flows of a removed or down real"),
      healthCheck(),
      integer("minimum_up", 0, 65535, "Fewest reals up to take new flows"),
      keyedList("reals", "real", {"real", {
          scalar("address", Type::kIpv4, "Real server address"),
          scalar("port", Type::kPort, "Real server port"),
          integer("weight", 0, 65535, "Weight"),
          scalar("enabled", Type::kBool, "Older form of state"),
          realState(),
      }}, {"address", "port"}, "Real servers"),
  }}, {"name"}, "L4 virtual services"));
}

}  // namespace vlb::model::kinds
