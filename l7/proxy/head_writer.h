// The heads the proxy writes: the request head sent to a real (hop-by-hop fields removed, the
// X-Forwarded-* fields added, Host unchanged), the response head sent to the client, and the
// responses the proxy makes itself (errors, director's local responses).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l7/http/head.h"
#include "l7/proxy/byte_buffer.h"
#include "l7/proxy/director.h"

namespace vlb::l7::proxy {

using FieldPairs = std::vector<std::pair<std::string, std::string>>;

struct UpstreamHeadOptions {
  std::string_view client_ip;     // appended to X-Forwarded-For
  bool tls = false;               // X-Forwarded-Proto
  std::string_view default_host;  // Host for an HTTP/1.0 request that had none
  bool x_forwarded = true;        // false: X-Forwarded-* neither added nor replaced
};

// Request head for the real, always HTTP/1.1. An absolute-form target becomes origin form with
// Host = its authority; otherwise Host goes through unchanged. Upgrade is kept only for a request
// that asks for one (the connection may become a tunnel). Transfer-Encoding and Content-Length go
// through (the body is relayed with the same framing).
void writeUpstreamHead(const http::RequestHead& h, const UpstreamHeadOptions& options,
                       ByteBuffer* out);

struct ClientHeadOptions {
  bool close = false;          // the proxy closes the client connection after this response
  bool http10_client = false;  // no chunked for it: the caller strips it and closes
  bool strip_chunked = false;  // drop Transfer-Encoding (body sent decoded, close-delimited)
  bool add_chunked = false;    // the proxy chunks a close-delimited body for the client
  const HeaderEdits* edits = nullptr;
  const FieldPairs* add = nullptr;
};

// Response head for the client (status line HTTP/1.1). A 101 keeps Upgrade and says
// `Connection: upgrade`.
void writeClientHead(const http::ResponseHead& h, const ClientHeadOptions& options,
                     ByteBuffer* out);

std::string_view reasonPhrase(uint16_t status);

// A complete response made by the proxy: status line, the given fields, Content-Length, and
// `Connection: close` when closing. No body for HEAD requests (but the length of the one omitted).
void writeLocalResponse(uint16_t status, const FieldPairs& fields, std::string_view body,
                        bool close, bool head_request, ByteBuffer* out);

// One chunk of the chunked coding holding `data` (not empty).
void appendChunk(ByteBuffer* out, std::string_view data);

// writeLocalResponse with a one-line text body naming the status (errors: 400, 408, 413, 502,
// 504...).
void writeErrorResponse(uint16_t status, bool head_request, ByteBuffer* out);

}  // namespace vlb::l7::proxy
