// One field line (RFC 9110 section 5, RFC 9112 section 5): its syntax, and which of the fields the
// proxy treats specially it is. Always inlined into the head loop (HeadCore::parseFields), which
// runs them per line: the call would cost a quarter of the work.
#pragma once

#include <cstdint>
#include <string_view>

#include "l7/http/chars.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

// Parses the field line [begin, end) of `base` (CRLF excluded) into `slot`'s name and value.
// base[end] must be the line's CR (HeadCore's lines are): it ends the scan of the name. `clean`
// says that the line holds no control byte but HTAB and no DEL (Line::clean): the value is not
// looked at again.
[[gnu::always_inline]] inline HttpError parseFieldLine(const char* base, uint32_t begin,
                                                       uint32_t end, bool clean, FieldSlot* slot) {
  const char* const line = base + begin;
  const uint32_t len = end - begin;
  if (len == 0) return HttpError::kBadFieldName;
  if (chars::isOws(line[0])) return HttpError::kObsFold;
  // Names are short: one pass over the token characters, then the byte that ended them must be
  // the colon. line[len] is the line's CR, no tchar: the scan stops there at the latest.
  const char* name_end = line;
  while (chars::is(*name_end, chars::kToken)) ++name_end;
  const auto i = uint32_t(name_end - line);
  if (i == len) return HttpError::kBadFieldName;  // no colon
  if (line[i] != ':') {
    if (chars::isOws(line[i])) return HttpError::kSpaceBeforeColon;
    return line[i] == '\r' ? HttpError::kBareCr : HttpError::kBadFieldName;
  }
  if (i == 0) return HttpError::kBadFieldName;
  slot->name = {begin, i};
  uint32_t v = i + 1;
  while (chars::isOws(line[v])) ++v;  // stops at the CR at the latest
  if (!clean) {
    if (const size_t bad = v + chars::scanFieldValue(line + v, len - v); bad != len)
      return line[bad] == '\r' ? HttpError::kBareCr : HttpError::kBadFieldValue;
  }
  uint32_t ve = len;
  while (ve > v && chars::isOws(line[ve - 1])) --ve;
  slot->value = {begin + v, ve - v};
  return HttpError::kNone;
}

// The FieldId of a field name (any case; tchars only, as parseFieldLine made sure).
[[gnu::always_inline]] inline FieldId identify(std::string_view name) {
  switch (name.size()) {
    case 2:
      if (chars::nameEqualsLower(name, "te")) return FieldId::kTe;
      break;
    case 4:
      if (chars::nameEqualsLower(name, "host")) return FieldId::kHost;
      break;
    case 6:
      if (chars::nameEqualsLower(name, "expect")) return FieldId::kExpect;
      break;
    case 7:
      if (chars::nameEqualsLower(name, "upgrade")) return FieldId::kUpgrade;
      if (chars::nameEqualsLower(name, "trailer")) return FieldId::kTrailer;
      break;
    case 10:
      if (chars::nameEqualsLower(name, "connection")) return FieldId::kConnection;
      if (chars::nameEqualsLower(name, "keep-alive")) return FieldId::kKeepAlive;
      break;
    case 14:
      if (chars::nameEqualsLower(name, "content-length")) return FieldId::kContentLength;
      break;
    case 15:
      if (chars::nameEqualsLower(name, "x-forwarded-for")) return FieldId::kXForwardedFor;
      break;
    case 16:
      if (chars::nameEqualsLower(name, "proxy-connection")) return FieldId::kProxyConnection;
      if (chars::nameEqualsLower(name, "x-forwarded-host")) return FieldId::kXForwardedHost;
      break;
    case 17:
      if (chars::nameEqualsLower(name, "transfer-encoding")) return FieldId::kTransferEncoding;
      if (chars::nameEqualsLower(name, "x-forwarded-proto")) return FieldId::kXForwardedProto;
      break;
    default:
      break;
  }
  return FieldId::kOther;
}

}  // namespace vlb::l7::http
