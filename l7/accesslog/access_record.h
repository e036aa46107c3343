// One finished HTTP exchange as the access log sees it. Views point into the caller's memory and
// are only read during AccessLog::write().
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string_view>

namespace vlb::l7::accesslog {

enum class Persistence : uint8_t { kNone, kHit, kMiss };  // what the director reported

struct AccessRecord {
  int64_t unix_ms = 0;        // when the request head was complete (wall clock)
  std::string_view service;   // service name
  sockaddr_storage client{};  // client address and port
  sockaddr_storage vip{};     // the listening address the client reached
  std::string_view host;      // Host (or absolute-form authority), may be empty
  std::string_view method;
  std::string_view path;         // request-target as received (path and query)
  uint16_t status = 0;           // status sent to the client (0: none, connection cut)
  uint64_t bytes_in = 0;         // request bytes read from the client (head and body)
  uint64_t bytes_out = 0;        // response bytes written to the client (head and body)
  std::string_view real;         // real server name, empty for local responses
  int64_t upstream_us = -1;      // request sent -> response head received; -1 when none
  int64_t total_us = 0;          // first request byte -> last response byte
  std::string_view tls_version;  // empty for plain HTTP
  std::string_view tls_cipher;
  Persistence persistence = Persistence::kNone;
};

}  // namespace vlb::l7::accesslog
