// Writing request heads for reals and response heads for clients (see head_writer.h).
#include "l7/proxy/head_writer.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <optional>

#include "l7/http/chars.h"

namespace vlb::l7::proxy {
namespace {

using http::FieldId;
using http::chars::equalsLower;

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (http::chars::lower(a[i]) != http::chars::lower(b[i])) return false;
  return true;
}

// Field names listed in Connection (RFC 9110 section 7.6.1), lowercase compare later.
class ConnectionOptions {
 public:
  explicit ConnectionOptions(const http::FieldList& fields) {
    for (http::HeaderField f : fields) {
      if (f.id != FieldId::kConnection) continue;
      std::string_view v = f.value;
      while (!v.empty() && count_ < names_.size()) {
        const size_t comma = v.find(',');
        const std::string_view item = http::chars::trimOws(v.substr(0, comma));
        // keep-alive names a field that goes anyway (alwaysHopByHop).
        if (!item.empty() && !http::chars::nameEqualsLower(item, "keep-alive"))
          names_[count_++] = item;
        v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      }
    }
  }
  bool lists(std::string_view name) const {
    for (size_t i = 0; i < count_; ++i)
      if (sameName(names_[i], name)) return true;
    return false;
  }

 private:
  std::array<std::string_view, 16> names_;  // [0, count_) set
  size_t count_ = 0;
};

// Whether Connection may name a field that must go: anything but the usual `keep-alive` (whose
// field goes anyway).
bool namesFields(const http::FieldList& fields) {
  for (http::HeaderField f : fields)
    if (f.id == FieldId::kConnection && !http::chars::nameEqualsLower(f.value, "keep-alive"))
      return true;
  return false;
}

// Hop-by-hop in both directions, whatever Connection says (trailers are dropped by the body
// reader). Upgrade is decided by the caller.
bool alwaysHopByHop(FieldId id) {
  return id == FieldId::kConnection || id == FieldId::kKeepAlive ||
         id == FieldId::kProxyConnection || id == FieldId::kTe || id == FieldId::kTrailer;
}

void field(ByteBuffer* out, std::string_view name, std::string_view value) {
  const size_t n = name.size() + value.size() + 4;
  char* p = out->reserve(n);
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = ':';
  *p++ = ' ';
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  p += value.size();
  *p++ = '\r';
  *p = '\n';
  out->commit(n);
}

// Field lines that go out as received are copied in runs: adjacent lines in one append.
class LineRuns {
 public:
  explicit LineRuns(ByteBuffer* out) : out_(out) {}
  ~LineRuns() { flush(); }
  void keep(std::string_view line) {
    if (!run_.empty() && run_.data() + run_.size() == line.data()) {
      run_ = {run_.data(), run_.size() + line.size()};
      return;
    }
    flush();
    run_ = line;
  }
  void flush() {
    out_->append(run_);
    run_ = {};
  }

 private:
  ByteBuffer* out_;
  std::string_view run_;
};

}  // namespace

void writeUpstreamHead(const http::RequestHead& h, const UpstreamHeadOptions& o, ByteBuffer* out) {
  const bool absolute = h.form == http::TargetForm::kAbsolute;
  if (!absolute && h.minor_version == 1) {
    // method SP target SP HTTP/1.1 CRLF: the parser took exactly this, so it goes as received.
    const char* end = h.version.data() + h.version.size() + 2;
    out->append(std::string_view(h.method.data(), size_t(end - h.method.data())));
  } else {
    out->append(h.method);
    out->append(" ");
    if (absolute) {
      out->append(h.path.empty() ? std::string_view("/") : h.path);
      if (!h.query.empty() || h.target.find('?') != std::string_view::npos) {
        out->append("?");
        out->append(h.query);
      }
    } else {
      out->append(h.target);
    }
    out->append(" HTTP/1.1\r\n");
  }

  std::optional<ConnectionOptions> listed;
  if (namesFields(h.fields)) listed.emplace(h.fields);
  bool wrote_host = false;
  bool client_xff = false;
  {
    LineRuns runs(out);
    for (http::HeaderField f : h.fields) {
      if (f.id == FieldId::kUpgrade) {
        if (h.upgrade) runs.keep(f.line);
        continue;
      }
      if (alwaysHopByHop(f.id) || (listed && listed->lists(f.name))) continue;
      if (o.x_forwarded) {
        if (f.id == FieldId::kXForwardedFor) {
          client_xff = true;  // joined with ours below
          continue;
        }
        // Ours replace what the client claims.
        if (f.id == FieldId::kXForwardedProto || f.id == FieldId::kXForwardedHost) continue;
      }
      if (f.id == FieldId::kHost) {
        wrote_host = true;
        if (absolute) {
          runs.flush();
          field(out, "Host", h.authority);
          continue;
        }
      }
      runs.keep(f.line);
    }
  }
  if (!wrote_host)
    field(out, "Host", absolute || o.default_host.empty() ? h.authority : o.default_host);
  if (h.upgrade) field(out, "Connection", "upgrade");
  if (!o.x_forwarded) {
    out->append("\r\n");
    return;
  }
  if (client_xff) {
    out->append("X-Forwarded-For: ");
    for (http::HeaderField f : h.fields) {
      if (f.id != FieldId::kXForwardedFor || (listed && listed->lists(f.name))) continue;
      if (!f.value.empty()) {
        out->append(f.value);
        out->append(", ");
      }
    }
    out->append(o.client_ip);
    out->append("\r\n");
  } else {
    field(out, "X-Forwarded-For", o.client_ip);
  }
  field(out, "X-Forwarded-Proto", o.tls ? "https" : "http");
  if (!h.authority.empty()) field(out, "X-Forwarded-Host", h.authority);
  out->append("\r\n");
}

void writeClientHead(const http::ResponseHead& h, const ClientHeadOptions& o, ByteBuffer* out) {
  const bool switching = h.status == 101;
  if (h.minor_version == 1 && !h.reason.empty()) {
    // HTTP/1.1 SP status SP reason CRLF: the parser took exactly this, so it goes as received.
    const char* end = h.reason.data() + h.reason.size() + 2;
    out->append(std::string_view(h.version.data(), size_t(end - h.version.data())));
  } else {
    char status[4] = {char('0' + h.status / 100), char('0' + h.status / 10 % 10),
                      char('0' + h.status % 10), ' '};
    out->append("HTTP/1.1 ");
    out->append(std::string_view(status, 4));
    out->append(h.reason.empty() ? reasonPhrase(h.status) : h.reason);
    out->append("\r\n");
  }
  std::optional<ConnectionOptions> listed;
  if (namesFields(h.fields)) listed.emplace(h.fields);
  const bool removing = o.edits && !o.edits->remove.empty();
  {
    LineRuns runs(out);
    for (http::HeaderField f : h.fields) {
      if (f.id == FieldId::kUpgrade) {
        if (switching) runs.keep(f.line);
        continue;
      }
      if (alwaysHopByHop(f.id) || (listed && listed->lists(f.name))) continue;
      if (o.strip_chunked && f.id == FieldId::kTransferEncoding) continue;
      if (removing) {
        bool removed = false;
        for (const std::string& name : o.edits->remove) removed = removed || sameName(name, f.name);
        if (removed) continue;
      }
      runs.keep(f.line);
    }
  }
  if (o.edits)
    for (const auto& [name, value] : o.edits->add) field(out, name, value);
  if (o.add)
    for (const auto& [name, value] : *o.add) field(out, name, value);
  if (o.add_chunked) field(out, "Transfer-Encoding", "chunked");
  if (switching)
    field(out, "Connection", "upgrade");
  else if (o.close)
    field(out, "Connection", "close");
  else if (o.http10_client)
    field(out, "Connection", "keep-alive");
  out->append("\r\n");
}

std::string_view reasonPhrase(uint16_t status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

void writeLocalResponse(uint16_t status, const FieldPairs& fields, std::string_view body,
                        bool close, bool head_request, ByteBuffer* out) {
  out->append("HTTP/1.1 ");
  out->append(std::to_string(status));
  out->append(" ");
  out->append(reasonPhrase(status));
  out->append("\r\n");
  bool has_type = false;
  for (const auto& [name, value] : fields) {
    has_type = has_type || equalsLower(name, "content-type");
    field(out, name, value);
  }
  if (!body.empty() && !has_type) field(out, "Content-Type", "text/plain; charset=utf-8");
  field(out, "Content-Length", std::to_string(body.size()));
  if (close) field(out, "Connection", "close");
  out->append("\r\n");
  if (!head_request) out->append(body);
}

void appendChunk(ByteBuffer* out, std::string_view data) {
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out->append(std::string_view(size, size_t(n)));
  out->append(data);
  out->append("\r\n");
}

void writeErrorResponse(uint16_t status, bool head_request, ByteBuffer* out) {
  std::string body = std::to_string(status) + " " + std::string(reasonPhrase(status)) + "\n";
  writeLocalResponse(status, {}, body, true, head_request, out);
}

}  // namespace vlb::l7::proxy
