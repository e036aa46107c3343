// What the fields that decide framing and connection handling say (RFC 9110, RFC 9112); the
// syntax of one field line is in field_line.h.
#pragma once

#include <cstdint>
#include <string_view>

#include "l7/http/types.h"

namespace vlb::l7::http {

// What the fields we interpret said, accumulated over the head.
struct FieldFacts {
  uint32_t host_count = 0;
  Span host;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool has_transfer_encoding = false;
  bool te_chunked = false;  // chunked seen; any coding after it is refused on the spot
  bool te_unknown = false;  // a coding we do not know before chunked
  bool close = false;       // Connection options
  bool keep_alive = false;
  bool connection_upgrade = false;
  bool has_upgrade = false;  // Upgrade field
  bool upgrade_websocket = false;
  bool expect_continue = false;
};

// Records what a field we interpret (Host, Content-Length, Transfer-Encoding, Connection, Upgrade,
// Expect; slot.id set by identify) says; other fields are ignored.
HttpError noteField(const char* base, const FieldSlot& slot, FieldFacts* facts);

// host [":" port] with a DNS-like reg-name or a bracketed IPv6 literal, port 0..65535.
bool validAuthority(std::string_view a, bool port_required);

}  // namespace vlb::l7::http
