// What the engine is started with: services (listeners) and the knobs every worker shares.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "l7/http/types.h"

namespace vlb::l7::accesslog {
class AccessLog;
}

namespace vlb::l7::proxy {

class Director;

using Millis = std::chrono::milliseconds;

struct Timeouts {
  Millis connect{5'000};         // upstream TCP connect (504 when it runs out)
  Millis server{200'000};        // upstream inactivity while a request is in flight (504)
  Millis client_idle{60'000};    // keep-alive: waiting for the next request's first byte
  Millis client_header{30'000};  // reading one request head, from its first byte (408)
  Millis tunnel{3'600'000};      // inactivity of an upgraded (WebSocket) connection
  Millis upstream_idle{4'000};   // a pooled upstream connection unused this long is closed
  Millis drain{10'000};          // stop(): how long in-flight requests may still finish
  // Engine::beginRetire() (a commit replaced the engine): how long its tunnels, streaming
  // responses and requests under way may go on at most, each also bounded by its own timeouts.
  Millis retire{3'600'000};
};

// One listener: (address, port), plain or TLS, and where its requests go.
struct ServiceConfig {
  std::string name;                 // for counters and the access log
  std::string address;              // IPv4 or IPv6 literal
  uint16_t port = 0;                // 0: the kernel picks one (Engine::port() tells which)
  SSL_CTX* server_tls = nullptr;    // accept TLS with it when set (not owned, outlives the engine)
  SSL_CTX* upstream_tls = nullptr;  // client context for Endpoint::tls reals (not owned)
  Director* director = nullptr;     // required, not owned, thread-safe
  bool transparent_source = false;  // connect to reals from the client's address (IP_TRANSPARENT)
  // Add X-Forwarded-For/-Proto/-Host towards the reals. false: the client's own X-Forwarded-*
  // fields (if any) pass through untouched and none are added.
  bool x_forwarded = true;
  // This service's connect/server/client/tunnel timeouts; unset: EngineConfig::timeouts.
  // (upstream_idle, drain and retire are the engine's in any case.)
  std::optional<Timeouts> timeouts;
  int backlog = 1024;
};

struct EngineConfig {
  unsigned workers = 1;
  std::vector<ServiceConfig> services;
  Timeouts timeouts;
  http::Limits limits;                  // max_body_bytes: 413 beyond (default 2 GiB)
  uint32_t read_chunk = 16 * 1024;      // bytes read from a socket at a time
  uint32_t high_water = 64 * 1024;      // stop reading a side while the other's output is above
  // Pooled upstream connections kept per real, per worker. Above the peak of requests in flight,
  // so that a burst does not close connections only to open them again a moment later; the idle
  // ones go after timeouts.upstream_idle (the pool is LIFO, so the surplus is what ages out).
  uint32_t max_idle_per_endpoint = 1024;
  accesslog::AccessLog* access_log = nullptr;  // optional, not owned; slot = worker index
  // A client connection idle between requests keeps its buffers, parsers and TLS record buffers
  // for this long (the next request on a busy connection comes sooner: no give-back and take-again
  // per request), then gives them back; the worker looks every this long, so an idle connection
  // holds them for at most twice this.
  std::chrono::milliseconds idle_release{100};
};

}  // namespace vlb::l7::proxy
