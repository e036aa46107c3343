// How the proxy engine asks where a request goes. The engine knows nothing of content rules,
// persistence or schedulers: the control plane implements Director with them (l7/rules,
// l7/balance) and hands one to each service. Director methods are called from every worker thread
// at once, so an implementation must be thread-safe (read-only tables published by pointer swap,
// atomics for counts).
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l7/accesslog/access_record.h"
#include "l7/http/types.h"
#include "l7/proxy/counters.h"

namespace vlb::l7::proxy {

// What the director may look at. Views are valid only during route().
struct RequestInfo {
  std::string_view service;  // the service name
  std::string_view method;
  std::string_view target;     // as received
  std::string_view path;       // without the query
  std::string_view query;      // without '?'
  std::string_view authority;  // absolute-form authority, else Host
  const http::FieldList* fields = nullptr;
  const sockaddr_storage* client = nullptr;  // client address and port
  const sockaddr_storage* vip = nullptr;     // the local address the client reached
  bool tls = false;
  std::string_view sni;  // TLS server name the client sent, empty if none
};

// A real server to forward to. `port` is the real's port (port translation is just this).
struct Endpoint {
  sockaddr_storage address{};        // IPv4 or IPv6 with the port set
  bool tls = false;                  // re-encrypt: the service's upstream SSL_CTX is used
  std::string sni;                   // server name for the upstream TLS handshake (empty: none)
  uint64_t real_id = 0;              // opaque to the engine, handed back in the hooks
  std::string name;                  // for the access log
  RealCounters* counters = nullptr;  // optional, owned by the director; the engine updates it
};

// A response the director makes itself: redirect, 403, 404, 503...
struct LocalResponse {
  uint16_t status = 503;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Location", "https://..."}
  std::string body;
};

struct Decision {
  enum class Kind : uint8_t { kForward, kLocal };
  Kind kind = Kind::kLocal;
  Endpoint upstream;    // kForward
  LocalResponse local;  // kLocal
  // Fields added to the response sent to the client (e.g. a persistence Set-Cookie).
  std::vector<std::pair<std::string, std::string>> add_response_headers;
  accesslog::Persistence persistence = accesslog::Persistence::kNone;  // for the access log
};

// Response header edits asked for by Director::editResponse().
struct HeaderEdits {
  std::vector<std::string> remove;  // field names, any case
  std::vector<std::pair<std::string, std::string>> add;
};

// The real's response as the director may inspect it in editResponse().
struct ResponseInfo {
  uint16_t status = 0;
  const http::FieldList* fields = nullptr;
};

class Director {
 public:
  virtual ~Director() = default;
  // Decides for one request. Must not block.
  virtual Decision route(const RequestInfo& request) = 0;
  // Before the real's response head goes to the client (e.g. rewrite Location). Default: nothing.
  virtual void editResponse(const Decision& decision, const ResponseInfo& response,
                            HeaderEdits* edits) {
    (void)decision, (void)response, (void)edits;
  }
  // Around each forwarded request (least-current-requests accounting); once each, in this order,
  // also when the request fails.
  virtual void onRequestStart(uint64_t real_id) { (void)real_id; }
  virtual void onRequestEnd(uint64_t real_id) { (void)real_id; }
  // Around the life of each upstream connection (least-connections accounting): opened when its
  // connect starts, closed when the socket is closed; an idle connection in the keep-alive pool
  // counts as open. A pooled connection taken for another real_id (a newer director version,
  // another pool with the same address) is moved: onUpstreamClosed(old), onUpstreamOpened(new).
  // Balanced per real_id; may come from any worker, after the request that opened it ended.
  virtual void onUpstreamOpened(uint64_t real_id) { (void)real_id; }
  virtual void onUpstreamClosed(uint64_t real_id) { (void)real_id; }
};

}  // namespace vlb::l7::proxy
