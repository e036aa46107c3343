#include "l7/http/request_line.h"

#include <cstring>
#include <string_view>

#include "l7/http/chars.h"
#include "l7/http/fields.h"

namespace vlb::l7::http {
namespace {

// Every '%' starts a pct-encoded triplet (RFC 3986 section 2.1). Content rules match on the path,
// so a target that cannot be decoded one way only is refused.
bool validPercent(std::string_view t) {
  for (size_t i = chars::find(t, '%'); i != std::string_view::npos; i = chars::find(t, '%', i + 1))
    if (i + 2 >= t.size() || !chars::is(t[i + 1], chars::kHex) || !chars::is(t[i + 2], chars::kHex))
      return false;
  return true;
}

struct Pieces {
  size_t path_off = 0, path_len = 0, query_off = 0, query_len = 0, auth_off = 0, auth_len = 0;
};

// [path] ["?" query] starting at `off` of the target.
void splitPathQuery(std::string_view target, size_t off, Pieces* p) {
  const size_t q = chars::find(target, '?', off);
  p->path_off = off;
  p->path_len = (q == std::string_view::npos ? target.size() : q) - off;
  if (q != std::string_view::npos) {
    p->query_off = q + 1;
    p->query_len = target.size() - q - 1;
  }
}

// absolute-form for HTTP: ("http" / "https") "://" authority path-abempty ["?" query]. Userinfo
// ('@') is refused (RFC 9110 section 4.2.4).
HttpError parseAbsolute(std::string_view target, Pieces* p) {
  const size_t sep = target.find("://");
  if (sep == std::string_view::npos) return HttpError::kBadTarget;
  const std::string_view scheme = target.substr(0, sep);
  if (!chars::equalsLower(scheme, "http") && !chars::equalsLower(scheme, "https"))
    return HttpError::kBadTarget;
  const size_t auth = sep + 3;
  size_t auth_end = target.find_first_of("/?", auth);
  if (auth_end == std::string_view::npos) auth_end = target.size();
  if (!validAuthority(target.substr(auth, auth_end - auth), false)) return HttpError::kBadTarget;
  p->auth_off = auth;
  p->auth_len = auth_end - auth;
  splitPathQuery(target, auth_end, p);
  return HttpError::kNone;
}

HttpError classifyTarget(std::string_view method, std::string_view target, RequestLine* out,
                         Pieces* p) {
  if (!validPercent(target)) return HttpError::kBadTarget;
  out->connect = method == "CONNECT";
  out->get = method == "GET";
  if (out->connect) {
    // CONNECT takes authority-form only, and the port is required (RFC 9110 section 9.3.6).
    if (!validAuthority(target, true)) return HttpError::kBadTarget;
    out->form = TargetForm::kAuthority;
    p->auth_len = target.size();
    return HttpError::kNone;
  }
  if (target[0] == '/') {
    out->form = TargetForm::kOrigin;
    splitPathQuery(target, 0, p);
    return HttpError::kNone;
  }
  if (target == "*") {
    out->form = TargetForm::kAsterisk;
    return method == "OPTIONS" ? HttpError::kNone : HttpError::kBadTarget;
  }
  out->form = TargetForm::kAbsolute;
  return parseAbsolute(target, p);
}

}  // namespace

HttpError parseVersion(std::string_view v, uint8_t* minor) {
  if (v.size() == 8) {  // the two versions there are, eight bytes at once
    const uint64_t w = chars::load8(v.data());
    if (w == chars::load8("HTTP/1.1") || w == chars::load8("HTTP/1.0")) {
      *minor = uint8_t(v[7] - '0');
      return HttpError::kNone;
    }
  }
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !chars::is(v[5], chars::kDigit) ||
      v[6] != '.' || !chars::is(v[7], chars::kDigit))
    return HttpError::kBadVersion;
  return HttpError::kUnsupportedVersion;  // well-formed, and neither of the two above
}

HttpError parseRequestLine(const char* base, uint32_t begin, uint32_t end, bool clean,
                           RequestLine* out) {
  const std::string_view line(base + begin, end - begin);
  size_t i = 0;
  while (i < line.size() && chars::is(line[i], chars::kToken)) ++i;
  if (i == line.size()) return HttpError::kBadRequestLine;
  if (line[i] != ' ') return line[i] == '\r' ? HttpError::kBareCr : HttpError::kBadMethod;
  if (i == 0) return HttpError::kBadMethod;
  const size_t t = i + 1;
  const size_t j = t + chars::scanTarget(line.data() + t, line.size() - t);
  if (j == line.size()) return HttpError::kBadRequestLine;  // HTTP/0.9 or a missing part
  if (line[j] != ' ') return line[j] == '\r' ? HttpError::kBareCr : HttpError::kBadTarget;
  if (j == t) return HttpError::kBadRequestLine;  // two SPs
  const std::string_view version = line.substr(j + 1);
  if (!clean && version.find('\r') != std::string_view::npos) return HttpError::kBareCr;
  if (const HttpError e = parseVersion(version, &out->minor_version); e != HttpError::kNone)
    return e;

  const std::string_view method = line.substr(0, i);
  const std::string_view target = line.substr(t, j - t);
  Pieces p;
  if (const HttpError e = classifyTarget(method, target, out, &p); e != HttpError::kNone) return e;
  const uint32_t tb = begin + uint32_t(t);
  out->method = {begin, uint32_t(i)};
  out->target = {tb, uint32_t(target.size())};
  out->version = {begin + uint32_t(j + 1), uint32_t(version.size())};
  out->path = {tb + uint32_t(p.path_off), uint32_t(p.path_len)};
  out->query = {tb + uint32_t(p.query_off), uint32_t(p.query_len)};
  out->authority = {tb + uint32_t(p.auth_off), uint32_t(p.auth_len)};
  return HttpError::kNone;
}

}  // namespace vlb::l7::http
