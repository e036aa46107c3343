// The access log line: `key=value` pairs separated by one space, one line per request, values
// that may hold spaces or quotes (path) written as a quoted string with \" \\ and \xHH escapes.
//
//   time=2026-11-21T15:27:28.123Z service=owa client=198.51.100.7:51234 vip=203.0.113.10:443
//   host=mail.example.com method=GET path="/owa/?a=1" status=200 bytes_in=512 bytes_out=10240
//   real=fe1 upstream_ms=3.210 total_ms=4.001 tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384
//   persist=hit
//
// (one line in the file). A missing value is `-`.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "l7/accesslog/access_record.h"

namespace vlb::l7::accesslog {

// Appends the line for `r`, with its final '\n', to `out`.
void appendLine(const AccessRecord& r, std::string* out);

// "ip:port" ("[v6]:port") of an address; "-" when the family is unset.
std::string formatAddress(const sockaddr_storage& a);

// Splits a line written by appendLine back into its fields (quoted values unescaped). Fields that
// do not parse are left out; tools and tests use it.
std::map<std::string, std::string> parseLine(std::string_view line);

}  // namespace vlb::l7::accesslog
