// What to check on a real and how often: the check spec, its defaults, parsing of the forms an
// operator types ("200,301-302", "https://<real>:4443/abs/handler"), and validation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/health/health_types.h"

namespace vlb::health {

// Expected HTTP status codes as inclusive ranges; "200" is {200,200}.
struct StatusRanges {
  std::vector<std::pair<uint16_t, uint16_t>> ranges{{200, 399}};
  bool contains(uint16_t status) const;
  std::string text() const;  // "200,301-302"
  bool operator==(const StatusRanges&) const = default;
};

// "200,301-302" → ranges; each code 100..599, first ≤ last.
Result<StatusRanges> parseStatusRanges(std::string_view text);

struct CheckTiming {
  Duration interval{5000};  // start to start
  Duration timeout{0};      // whole check (connect, TLS, request, response); 0: min(interval, 3 s)
  unsigned rise = 2;        // consecutive passes that bring a down real up
  unsigned fall = 3;        // consecutive failures that take an up real down
  unsigned jitter_percent = 10;  // each interval is interval × (1 ± jitter%) at random
  Duration effectiveTimeout() const;
  bool operator==(const CheckTiming&) const = default;
};

enum class HttpMethod : uint8_t { kGet, kHead };

struct CheckSpec {
  CheckType type = CheckType::kTcp;
  uint16_t port = 0;  // 0: the real's own port (tcp, http, https)
  HttpMethod method = HttpMethod::kGet;
  std::string path = "/";
  std::string host;          // Host header and TLS SNI; empty: the real's address
  StatusRanges expect;       // default 200-399
  std::string body_pattern;  // must appear in the first 64 KiB of the body (GET only)
  bool body_regex = false;   // body_pattern is a PCRE2 regular expression, not a substring
  std::string extra_header;  // one more request header, "Name: value"
  bool tls_verify = false;   // https: verify the real's certificate against ca_file
  std::string ca_file;       // PEM bundle; required with tls_verify
  uint32_t source = 0;       // bind checks to this IPv4 (the internal self IP); 0: kernel's choice
  CheckTiming timing;
  bool operator==(const CheckSpec&) const = default;
};

// A check URL as the field examples give it: scheme http or https, host "<real>" (the real's
// address), an IPv4 literal or a name (then sent as Host), optional port, path.
// Fills type, port, path and (for a name) host of `spec`; other fields are kept.
Status applyCheckUrl(std::string_view url, CheckSpec& spec);

Result<CheckType> parseCheckType(std::string_view text);
Result<uint32_t> parseIpv4(std::string_view text);

// Every field of the spec for real `who` (used in messages), e.g. "check of svc 192.0.2.10:443".
Status validateCheckSpec(const CheckSpec& spec, std::string_view who);

}  // namespace vlb::health
