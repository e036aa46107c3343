#include "l7/http/fields.h"

#include <cstring>

namespace vlb::l7::http {
namespace {

using chars::equalsLower;

// Calls fn(element) for each comma-separated element of a list value, OWS trimmed. An empty element
// is skipped (RFC 9110 section 5.6.1) unless `empty_error` names the error to refuse it with.
template <class Fn>
HttpError forEachElement(std::string_view v, HttpError empty_error, Fn&& fn) {
  while (true) {
    const size_t comma = v.find(',');
    const std::string_view element = chars::trimOws(v.substr(0, comma));
    if (element.empty()) {
      if (empty_error != HttpError::kNone) return empty_error;
    } else if (const HttpError e = fn(element); e != HttpError::kNone) {
      return e;
    }
    if (comma == std::string_view::npos) return HttpError::kNone;
    v.remove_prefix(comma + 1);
  }
}

// Content-Length = 1*DIGIT; "42, 42" and repeated fields with equal values count as one
// (RFC 9110 section 8.6); anything else that differs is refused.
HttpError noteContentLength(std::string_view value, FieldFacts* f) {
  return forEachElement(value, HttpError::kBadContentLength, [f](std::string_view el) {
    if (!chars::allOf(el, chars::kDigit)) return HttpError::kBadContentLength;
    uint64_t n = 0;
    for (char c : el) {
      const unsigned d = unsigned(c - '0');
      if (n > (UINT64_MAX - d) / 10) return HttpError::kBodyTooLarge;
      n = n * 10 + d;
    }
    if (f->has_content_length && f->content_length != n)
      return HttpError::kConflictingContentLength;
    f->has_content_length = true;
    f->content_length = n;
    return HttpError::kNone;
  });
}

bool knownCoding(std::string_view c) {
  return equalsLower(c, "gzip") || equalsLower(c, "x-gzip") || equalsLower(c, "deflate") ||
         equalsLower(c, "compress") || equalsLower(c, "x-compress");
}

// The codings of all Transfer-Encoding fields form one list. We refuse, rather than guess: empty
// elements, parameters (no registered coding has any; `chunked;foo` is not chunked), anything that
// is not a bare token, and any coding after chunked (which covers `chunked, chunked`).
HttpError noteTransferEncoding(std::string_view value, FieldFacts* f) {
  f->has_transfer_encoding = true;
  return forEachElement(value, HttpError::kBadTransferEncoding, [f](std::string_view el) {
    if (f->te_chunked || !chars::allOf(el, chars::kToken)) return HttpError::kBadTransferEncoding;
    if (equalsLower(el, "chunked"))
      f->te_chunked = true;
    else if (!knownCoding(el))
      f->te_unknown = true;
    return HttpError::kNone;
  });
}

HttpError noteConnection(std::string_view value, FieldFacts* f) {
  return forEachElement(value, HttpError::kNone, [f](std::string_view el) {
    if (!chars::allOf(el, chars::kToken)) return HttpError::kBadFieldValue;
    if (equalsLower(el, "close")) f->close = true;
    if (equalsLower(el, "keep-alive")) f->keep_alive = true;
    if (equalsLower(el, "upgrade")) f->connection_upgrade = true;
    return HttpError::kNone;
  });
}

// Upgrade = #protocol; protocol = protocol-name ["/" protocol-version].
HttpError noteUpgrade(std::string_view value, FieldFacts* f) {
  f->has_upgrade = true;
  return forEachElement(value, HttpError::kNone, [f](std::string_view el) {
    const size_t slash = el.find('/');
    const std::string_view name = el.substr(0, slash);
    if (name.empty() || !chars::allOf(name, chars::kToken)) return HttpError::kBadFieldValue;
    if (slash != std::string_view::npos) {
      const std::string_view version = el.substr(slash + 1);
      if (version.empty() || !chars::allOf(version, chars::kToken))
        return HttpError::kBadFieldValue;
    }
    if (equalsLower(name, "websocket")) f->upgrade_websocket = true;
    return HttpError::kNone;
  });
}

HttpError noteExpect(std::string_view value, FieldFacts* f) {
  return forEachElement(value, HttpError::kNone, [f](std::string_view el) {
    if (equalsLower(el, "100-continue")) f->expect_continue = true;
    return HttpError::kNone;
  });
}

}  // namespace

HttpError parseFieldLine(const char* base, uint32_t begin, uint32_t end, FieldSlot* slot) {
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
  while (v < len && chars::isOws(line[v])) ++v;
  if (const size_t bad = chars::scanFieldValueFrom(line, v, len); bad != len)
    return line[bad] == '\r' ? HttpError::kBareCr : HttpError::kBadFieldValue;
  uint32_t ve = len;
  while (ve > v && chars::isOws(line[ve - 1])) --ve;
  slot->value = {begin + v, ve - v};
  return HttpError::kNone;
}

FieldId identify(std::string_view name) {
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

HttpError noteField(const char* base, FieldSlot* slot, FieldFacts* f) {
  slot->id = identify(slot->name.in(base));
  const std::string_view value = slot->value.in(base);
  switch (slot->id) {
    case FieldId::kHost:
      ++f->host_count;
      f->host = slot->value;
      return validAuthority(value, false) ? HttpError::kNone : HttpError::kBadHost;
    case FieldId::kExpect:
      return noteExpect(value, f);
    case FieldId::kUpgrade:
      return noteUpgrade(value, f);
    case FieldId::kConnection:
      return noteConnection(value, f);
    case FieldId::kContentLength:
      return noteContentLength(value, f);
    case FieldId::kTransferEncoding:
      return noteTransferEncoding(value, f);
    default:
      return HttpError::kNone;
  }
}

bool validAuthority(std::string_view a, bool port_required) {
  size_t i = 0;
  if (a.empty()) return false;
  if (a[0] == '[') {
    const size_t close = a.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (i = 1; i < close; ++i)
      if (!chars::is(a[i], chars::kHex) && a[i] != ':' && a[i] != '.') return false;
    i = close + 1;
  } else {
    while (i < a.size() && chars::is(a[i], chars::kHostName)) ++i;
    if (i == 0) return false;
  }
  if (i == a.size()) return !port_required;
  if (a[i] != ':') return false;
  const std::string_view port = a.substr(i + 1);
  if (port.empty() || port.size() > 5 || !chars::allOf(port, chars::kDigit)) return false;
  uint32_t n = 0;
  for (char c : port) n = n * 10 + uint32_t(c - '0');
  return n <= 65535;
}

}  // namespace vlb::l7::http
