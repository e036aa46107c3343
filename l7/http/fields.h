// One field line: syntax (RFC 9110 section 5, RFC 9112 section 5) and the fields that decide
// framing and connection handling.
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

// Parses the field line [begin, end) of `base` (CRLF excluded) into `slot`. base[end] must be the
// line's CR (HeadCore::nextLine's lines are): it ends the scan of the name.
HttpError parseFieldLine(const char* base, uint32_t begin, uint32_t end, FieldSlot* slot);

// The FieldId of a field name (any case; tchars only, as parseFieldLine made sure).
FieldId identify(std::string_view name);

// Sets slot->id and records what a field we interpret (Host, Content-Length, Transfer-Encoding,
// Connection, Upgrade, Expect) says; other fields are ignored.
HttpError noteField(const char* base, FieldSlot* slot, FieldFacts* facts);

// host [":" port] with a DNS-like reg-name or a bracketed IPv6 literal, port 0..65535.
bool validAuthority(std::string_view a, bool port_required);

}  // namespace vlb::l7::http
