// request-line = method SP request-target SP HTTP-version (RFC 9112 section 3).
#pragma once

#include <cstdint>

#include "l7/http/head.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

struct RequestLine {
  Span method, target, version, path, query, authority;
  TargetForm form = TargetForm::kOrigin;
  uint8_t minor_version = 1;
  bool connect = false;
  bool get = false;
};

// Parses the line [begin, end) of `base` (CRLF excluded). Exactly one SP between the parts; the
// request-target must match the method (authority form only with CONNECT, asterisk only with
// OPTIONS). `clean`: the line has no control byte but HTAB and no DEL (Line::clean).
HttpError parseRequestLine(const char* base, uint32_t begin, uint32_t end, bool clean,
                           RequestLine* out);

// "HTTP/1.0" or "HTTP/1.1"; another well-formed version is kUnsupportedVersion.
HttpError parseVersion(std::string_view v, uint8_t* minor);

}  // namespace vlb::l7::http
