// Message body length (RFC 9112 section 6.3), decided conservatively: where the RFC lets a
// recipient pick one of two readings of an ambiguous message, we refuse the message instead.
#pragma once

#include <cstdint>

#include "l7/http/fields.h"
#include "l7/http/head.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

// A request has no body, a Content-Length body or a chunked body; never a close-delimited one.
HttpError requestFraming(const FieldFacts& f, uint8_t minor_version, bool connect,
                         uint64_t max_body_bytes, Framing* out);

// A response to `req` with `status`: no body for HEAD, 1xx, 204 and 304; a tunnel after 101 or a
// 2xx to CONNECT; chunked when chunked is the final coding; Content-Length; otherwise until close.
HttpError responseFraming(const FieldFacts& f, uint8_t minor_version, uint16_t status,
                          RequestKind req, Framing* out);

// HTTP/1.1 keeps the connection unless `close`; HTTP/1.0 only with `keep-alive` (RFC 9112
// section 9.3).
constexpr bool persistent(const FieldFacts& f, uint8_t minor_version) {
  return !f.close && (minor_version == 1 || f.keep_alive);
}

}  // namespace vlb::l7::http
