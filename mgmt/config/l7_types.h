// Configuration types of L7 services, certificates, static NAT, forwarding services and the
// `system` object. Part of config.h (include that); kept apart so config.h stays readable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mgmt/config/health_check.h"
#include "mgmt/config/ip_types.h"

namespace vlb::config {

// Administrative state of a real: drain keeps established connections, takes no new ones.
enum class RealState { kEnabled, kDisabled, kDrain };

struct Certificate {
  std::string name;
  std::string cert_file, key_file, chain_file;  // PEM files, or
  std::string pfx_file, password;               // one PKCS#12 file
};

enum class L7Protocol { kHttp, kHttps };
enum class CipherPreset { kModern, kCompatible };
enum class L7Scheduler { kRr, kWrr, kLc, kLcr };
enum class L7PersistenceMode { kNone, kCookie, kSource, kCookieThenSource };

struct Reencrypt {
  bool enabled = false;
  std::string sni;      // empty: the request's Host
  bool verify = false;
  std::string ca_file;
};

struct L7Real {
  IpAddress address;  // IPv4
  uint16_t port = 0;  // 0: the service's port
  unsigned weight = 1;
  RealState state = RealState::kEnabled;
};

struct L7Pool {
  std::string name;
  L7Scheduler scheduler = L7Scheduler::kRr;
  std::vector<L7Real> reals;
  std::optional<HealthCheck> check;  // none: the reals count as up
};

struct L7Persistence {
  L7PersistenceMode mode = L7PersistenceMode::kNone;
  std::string cookie = "VLBSERVERID";
  uint8_t prefix_length = 32;  // source persistence: clients in one /N share a real
  unsigned timeout_s = 1200;
};

struct HeaderMatch {
  enum class Kind { kPresent, kValue, kRegex };
  std::string name;
  Kind kind = Kind::kPresent;
  std::string pattern;  // the value or the regex
};

struct RuleMatch {
  std::string host, host_wildcard, host_regex, path_prefix, path_regex;
  std::vector<std::string> methods;
  std::optional<HeaderMatch> header;
};

struct RuleAction {
  enum class Kind { kPool, kRedirect, kDeny, kRespond };
  Kind kind = Kind::kRespond;
  std::string pool;          // kPool
  unsigned status = 404;     // kRedirect: 301/302/303/307/308; kRespond: 200-599
  std::string location;      // kRedirect: template with {scheme} {host} {uri} {path} {query}
  std::string content_type = "text/plain";  // kRespond
  std::string body;          // kRespond
};

struct L7Rule {
  std::string name;
  RuleMatch match;
  RuleAction action;
};

struct L7Timeouts {
  unsigned connect_s = 5, server_s = 200, client_s = 60;
};

struct L7Service {
  std::string name;
  IpAddress address;  // IPv4 VIP
  uint16_t port = 0;
  L7Protocol protocol = L7Protocol::kHttps;
  std::vector<std::string> certificates;  // names in `certificates`; https needs one
  CipherPreset ciphers = CipherPreset::kModern;
  Reencrypt reencrypt;
  std::vector<L7Pool> pools;
  L7Persistence persistence;
  std::vector<L7Rule> rules;  // first match wins
  RuleAction default_action;  // respond 404
  std::map<std::string, std::string> location_hosts;  // rewrite: internal host -> public host
  std::map<std::string, std::string> cookie_domains;  // rewrite: internal domain -> public
  bool x_forwarded = true;
  bool transparent = false;
  L7Timeouts timeouts;
  uint64_t max_request_body = uint64_t(2) << 30;
  std::string access_log;  // file path; empty: no access log
};

// 1:1 NAT: traffic to `public_address` goes to `private_address` (all ports), and traffic from
// `private_address` leaves as `public_address`.
struct StaticNat {
  IpAddress public_address, private_address;  // IPv4
};

struct ForwardingService {
  enum class Snat { kAutomap, kNone, kPool };
  std::string name;
  IpPrefix source;  // IPv4
  Snat snat = Snat::kAutomap;
  std::string snat_pool;  // with kPool
};

struct SystemOptions {
  std::string hostname;  // also accepted at the top level, for compatibility
  std::vector<IpAddress> dns_servers;
  std::optional<IpAddress> default_gateway;
};

std::string_view realStateName(RealState state);

}  // namespace vlb::config
