// A parsed request or response head: views into the caller's buffer plus what framing and
// connection management need.
#pragma once

#include <cstdint>
#include <string_view>

#include "l7/http/types.h"

namespace vlb::l7::http {

enum class TargetForm : uint8_t {
  kOrigin,     // /path?query
  kAbsolute,   // http://authority/path?query
  kAuthority,  // host:port, CONNECT only
  kAsterisk,   // *, OPTIONS only
};

struct RequestHead {
  std::string_view method;   // case-sensitive token
  std::string_view target;   // the request-target as received
  std::string_view version;  // "HTTP/1.0" or "HTTP/1.1"
  uint8_t minor_version = 1;
  TargetForm form = TargetForm::kOrigin;
  std::string_view path;   // origin/absolute form: up to '?' (may be empty for absolute form)
  std::string_view query;  // after '?', without it
  // The authority the request is for: the absolute-form or CONNECT target's authority when there is
  // one (RFC 9112 section 3.2.2: it wins over Host), else the Host value (empty in HTTP/1.0 without
  // Host).
  std::string_view authority;
  std::string_view host;  // the Host field's value as received (empty when absent)
  FieldList fields;
  Framing framing;               // kNone, kLength or kChunked
  bool keep_alive = true;        // HTTP/1.1 unless `close`; HTTP/1.0 only with `keep-alive`
  bool expect_continue = false;  // HTTP/1.1 `Expect: 100-continue`
  bool upgrade = false;          // Upgrade field with the `upgrade` connection option (HTTP/1.1)
  bool websocket = false;        // upgrade to `websocket` on a GET
};

struct ResponseHead {
  std::string_view version;  // "HTTP/1.0" or "HTTP/1.1"
  uint8_t minor_version = 1;
  uint16_t status = 0;
  std::string_view reason;  // may be empty
  FieldList fields;
  Framing framing;
  bool keep_alive =
      true;  // false for a close-delimited body, `close`, or HTTP/1.0 without keep-alive
  bool interim = false;  // 1xx other than 101: a final response follows on the same exchange
};

// What the response is an answer to: it changes the framing (RFC 9112 section 6.3).
enum class RequestKind : uint8_t { kOther, kHead, kConnect };

}  // namespace vlb::l7::http
