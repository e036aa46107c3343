// A real-server health check as configured, shared by L4 virtual services and L7 pools.
// The check engine (mgmt/health) compiles this into its own state; see docs/config.md "check".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlb::config {

enum class CheckType { kNone, kIcmp, kTcp, kHttp, kHttps };
enum class CheckMethod { kGet, kHead };

// One accepted status range of an HTTP check, e.g. 301-302; a single code has first == last.
struct StatusRange {
  uint16_t first = 200, last = 200;
  bool operator==(const StatusRange&) const = default;
};

struct HealthCheck {
  CheckType type = CheckType::kTcp;
  uint16_t port = 0;               // 0: the real's port (or the service port)
  CheckMethod method = CheckMethod::kGet;
  std::string url = "/";           // HTTP(S): path and query sent
  std::string host;                // HTTP(S): Host header; empty: the real's address
  std::vector<StatusRange> expect = {{200, 200}};  // "200,301-302"
  std::string expect_text = "200";  // `expect` as written, for display
  std::string body;                // HTTP(S): substring the body must contain; empty: any
  std::string header;              // HTTP(S): one extra request header "Name: value"
  bool verify = false;             // HTTPS: verify the real's certificate against ca_file
  std::string ca_file;
  unsigned interval_s = 5;
  unsigned timeout_s = 3;          // default min(interval, 3)
  unsigned rise = 2;               // consecutive successes to come up
  unsigned fall = 3;               // consecutive failures to go down
};

std::string_view checkTypeName(CheckType type);

}  // namespace vlb::config
