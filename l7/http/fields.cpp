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
    const size_t comma = chars::find(v, ',');
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

// One Content-Length value n; a different one seen before is refused.
HttpError recordContentLength(uint64_t n, FieldFacts* f) {
  if (f->has_content_length && f->content_length != n) return HttpError::kConflictingContentLength;
  f->has_content_length = true;
  f->content_length = n;
  return HttpError::kNone;
}

// Content-Length = 1*DIGIT; "42, 42" and repeated fields with equal values count as one
// (RFC 9110 section 8.6); anything else that differs is refused.
HttpError noteContentLength(std::string_view value, FieldFacts* f) {
  // One number of up to 19 digits (no overflow) is what is always sent: read it at once.
  if (!value.empty() && value.size() <= 19) {
    uint64_t n = 0;
    size_t i = 0;
    for (; i < value.size() && chars::is(value[i], chars::kDigit); ++i)
      n = n * 10 + unsigned(value[i] - '0');
    if (i == value.size()) return recordContentLength(n, f);
  }
  return forEachElement(value, HttpError::kBadContentLength, [f](std::string_view el) {
    if (!chars::allOf(el, chars::kDigit)) return HttpError::kBadContentLength;
    uint64_t n = 0;
    for (char c : el) {
      const unsigned d = unsigned(c - '0');
      if (n > (UINT64_MAX - d) / 10) return HttpError::kBodyTooLarge;
      n = n * 10 + d;
    }
    return recordContentLength(n, f);
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
  // The usual single option first (the value is field-value octets: nameEqualsLower applies).
  if (chars::nameEqualsLower(value, "keep-alive")) {
    f->keep_alive = true;
    return HttpError::kNone;
  }
  if (chars::nameEqualsLower(value, "close")) {
    f->close = true;
    return HttpError::kNone;
  }
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

HttpError noteField(const char* base, const FieldSlot& slot, FieldFacts* f) {
  const std::string_view value = slot.value.in(base);
  switch (slot.id) {
    case FieldId::kHost:
      ++f->host_count;
      f->host = slot.value;
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
