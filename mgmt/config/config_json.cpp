// The configuration file: top level, "eal", "control" and "datapath"; ports and routes are in
// config_ports.cpp. The schema is documented in docs/config.md.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include "mgmt/config/config_internal.h"

namespace vlb::config {
namespace {

using detail::FieldReader;
using detail::checkHostname;
using detail::Json;
using detail::Need;
using detail::NumberRule;

constexpr size_t kMaxFileBytes = 16 << 20;
constexpr size_t kMaxSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1

constexpr std::string_view kDefaultConfig = R"({
  "hostname": "vlb-demo",
  "eal": {
    "no_huge": true,
    "no_pci": true,
    "in_memory": true,
    "file_prefix": "vlb",
    "memory_mb": 256,
    "lcores": "0-1"
  },
  "control": {
    "socket": "/run/vlb/vlbd.sock"
  },
  "datapath": {
    "idle_sleep_us": 50
  },
  "ports": [
    {
      "name": "ext",
      "role": "external",
      "devargs": "net_af_packet0,iface=ext0",
      "addresses": ["198.51.100.1/24"]
    },
    {
      "name": "int",
      "role": "internal",
      "devargs": "net_af_packet1,iface=int0",
      "addresses": ["192.0.2.1/24"]
    }
  ],
  "routes": [],
  "virtual_services": [
    {
      "name": "web",
      "vip": "203.0.113.10",
      "protocol": "tcp",
      "port": 80,
      "scheduler": "rr",
      "reals": [
        {"address": "192.0.2.11"},
        {"address": "192.0.2.12"},
        {"address": "192.0.2.13"}
      ]
    }
  ]
}
)";

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char* checkFilePrefix(std::string_view s) {
  bool good = !s.empty() && s.size() <= 32;
  for (char c : s) good = good && (isAlnum(c) || c == '_' || c == '-');
  return good ? nullptr : "is not a valid file prefix (1 to 32 of A-Z, a-z, 0-9, _ and -)";
}

const char* checkLcores(std::string_view s) {
  bool good = !s.empty() && s.find_first_not_of("0123456789,-@()") == std::string_view::npos;
  return good ? nullptr : "is not an lcore list (digits and , - @ ( ) only, e.g. \"0-1\")";
}

const char* checkArgument(std::string_view s) { return s.empty() ? "is empty" : nullptr; }

const char* checkSocketPath(std::string_view s) {
  if (s.empty() || s.front() != '/') return "is not an absolute path";
  if (s.back() == '/') return "ends with / (expected the path of the socket file)";
  if (s.size() > kMaxSocketPath) return "is longer than 107 bytes (the limit for a UNIX socket)";
  return nullptr;
}

void parseEal(FieldReader& top, EalOptions& out) {
  const Json* v = top.object("eal", Need::kOptional);
  if (v == nullptr) return;
  FieldReader r(*v, "eal");
  r.onlyFields(
      {"no_huge", "no_pci", "in_memory", "file_prefix", "memory_mb", "lcores", "extra_args"});
  r.boolean("no_huge", out.no_huge);
  r.boolean("no_pci", out.no_pci);
  r.boolean("in_memory", out.in_memory);
  r.text("file_prefix", out.file_prefix, Need::kOptional, checkFilePrefix);
  r.number("memory_mb", out.memory_mb, 64, 65536, NumberRule::kZeroOrRange);
  r.text("lcores", out.lcores, Need::kOptional, checkLcores);
  r.textList("extra_args", out.extra_args, checkArgument);
  if (!r.ok()) top.adopt(fail(r.error()));
}

void parseControl(FieldReader& top, ControlOptions& out) {
  const Json* v = top.object("control", Need::kOptional);
  if (v == nullptr) return;
  FieldReader r(*v, "control");
  r.onlyFields({"socket", "metrics_address", "metrics_port"});
  r.text("socket", out.socket, Need::kOptional, checkSocketPath);
  IpAddress metrics;
  if (readIpv4Field(r, "metrics_address", Need::kOptional, metrics)) out.metrics_address = metrics;
  unsigned port = out.metrics_port;
  r.number("metrics_port", port, 1, 65535, NumberRule::kRange);
  out.metrics_port = uint16_t(port);
  if (!r.ok()) top.adopt(fail(r.error()));
}

void parseDatapath(FieldReader& top, DatapathOptions& out) {
  const Json* v = top.object("datapath", Need::kOptional);
  if (v == nullptr) return;
  FieldReader r(*v, "datapath");
  r.onlyFields({"mbufs", "punt_ring_size", "idle_sleep_us", "connections"});
  r.number("mbufs", out.mbufs, 1023, 1048575, NumberRule::kRange);
  r.number("punt_ring_size", out.punt_ring_size, 64, 65536, NumberRule::kPowerOfTwo);
  r.number("idle_sleep_us", out.idle_sleep_us, 0, 100000, NumberRule::kRange);
  r.number("connections", out.connections, 1024, 1u << 30, NumberRule::kRange);
  if (!r.ok()) top.adopt(fail(r.error()));
}

Result<Config> toConfig(const Json& doc) {
  if (!doc.is_object()) {
    return fail(std::string("the configuration must be a JSON object, not ") + doc.type_name());
  }
  Config cfg;
  FieldReader r(doc, "");
  r.onlyFields({"hostname", "system", "eal", "control", "datapath", "ports", "vlans",
                "routes", "snat_pools", "virtual_services", "certificates", "l7_services", "static_nats",
                "forwarding_services"});
  r.text("hostname", cfg.hostname, Need::kOptional, checkHostname);
  parseEal(r, cfg.eal);
  parseControl(r, cfg.control);
  parseDatapath(r, cfg.datapath);
  if (const Json* ports = r.array("ports", Need::kRequired)) {
    r.adopt(detail::parsePorts(*ports, cfg.ports));
  }
  if (const Json* vlans = r.array("vlans", Need::kOptional); vlans && r.ok()) {
    r.adopt(detail::parseVlans(*vlans, cfg.ports, cfg.vlans));
  }
  if (const Json* routes = r.array("routes", Need::kOptional)) {
    r.adopt(detail::parseRoutes(*routes, cfg.ports, cfg.routes));
  }
  if (const Json* pools = r.array("snat_pools", Need::kOptional)) {
    r.adopt(detail::parseSnatPools(*pools, cfg.snat_pools));
  }
  if (const Json* services = r.array("virtual_services", Need::kOptional)) {
    r.adopt(detail::parseVirtualServices(*services, cfg, cfg.virtual_services));
  }
  if (const Json* system = r.object("system", Need::kOptional)) {
    r.adopt(detail::parseSystem(*system, cfg.system));
    if (r.ok() && !cfg.system.hostname.empty() && r.field("hostname", Need::kOptional))
      r.refuse("hostname", "is also given in system: give it once, in system");
    if (r.ok() && !cfg.system.hostname.empty()) cfg.hostname = cfg.system.hostname;
    if (r.ok()) r.adopt(detail::checkSystem(cfg));
  }
  if (const Json* certificates = r.array("certificates", Need::kOptional)) {
    r.adopt(detail::parseCertificates(*certificates, cfg.certificates));
  }
  if (const Json* services = r.array("l7_services", Need::kOptional)) {
    r.adopt(detail::parseL7Services(*services, cfg, cfg.l7_services));
  }
  if (const Json* nats = r.array("static_nats", Need::kOptional)) {
    r.adopt(detail::parseStaticNats(*nats, cfg, cfg.static_nats));
  }
  if (const Json* forwarding = r.array("forwarding_services", Need::kOptional)) {
    r.adopt(detail::parseForwardingServices(*forwarding, cfg, cfg.forwarding_services));
  }
  if (!r.ok()) return fail(r.error());
  return cfg;
}

Status readFile(const std::string& path, std::string& out) {
  auto cannot = [&path](int err) {
    return fail("cannot read " + path + ": " + std::generic_category().message(err));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return cannot(errno);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    out.append(buf, n);
    if (out.size() > kMaxFileBytes) return fail("cannot read " + path + ": larger than 16 MiB");
  }
  if (std::ferror(f.get())) return cannot(errno);
  return Ok{};
}

}  // namespace

Result<Config> parseConfig(std::string_view json_text) {
  try {
    Json doc;
    if (Status s = detail::parseDocument(json_text, doc); !s) return fail(s.error());
    return toConfig(doc);
  } catch (const std::exception& e) {  // only allocation failure is expected here
    return fail(std::string("cannot parse the configuration: ") + e.what());
  }
}

Result<Config> loadConfigFile(const std::string& path) {
  std::string text;
  if (Status s = readFile(path, text); !s) return fail(s.error());
  Result<Config> cfg = parseConfig(text);
  if (!cfg) return fail(path + ": " + cfg.error());
  return cfg;
}

std::string_view defaultConfigJson() { return kDefaultConfig; }

}  // namespace vlb::config
