// Writing request heads for reals and response heads for clients (see head_writer.h).
#include "l7/proxy/head_writer.h"

#include <array>
#include <cstdio>

#include "l7/http/chars.h"

namespace vlb::l7::proxy {
namespace {

using http::chars::equalsLower;

// Field names listed in Connection (RFC 9110 section 7.6.1), lowercase compare later.
class ConnectionOptions {
 public:
  explicit ConnectionOptions(const http::FieldList& fields) {
    for (http::HeaderField f : fields) {
      if (!equalsLower(f.name, "connection")) continue;
      std::string_view v = f.value;
      while (!v.empty() && count_ < names_.size()) {
        const size_t comma = v.find(',');
        const std::string_view item = http::chars::trimOws(v.substr(0, comma));
        if (!item.empty()) names_[count_++] = item;
        v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      }
    }
  }
  bool lists(std::string_view name) const {
    for (size_t i = 0; i < count_; ++i)
      if (names_[i].size() == name.size()) {
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k)
          same = http::chars::lower(names_[i][k]) == http::chars::lower(name[k]);
        if (same) return true;
      }
    return false;
  }

 private:
  std::array<std::string_view, 16> names_{};
  size_t count_ = 0;
};

// Hop-by-hop in both directions, whatever Connection says.
bool alwaysHopByHop(std::string_view name) {
  return equalsLower(name, "connection") || equalsLower(name, "keep-alive") ||
         equalsLower(name, "proxy-connection") || equalsLower(name, "te") ||
         equalsLower(name, "trailer");  // trailers are dropped by the body reader
}

void field(ByteBuffer* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (http::chars::lower(a[i]) != http::chars::lower(b[i])) return false;
  return true;
}

}  // namespace

void writeUpstreamHead(const http::RequestHead& h, const UpstreamHeadOptions& o, ByteBuffer* out) {
  const bool absolute = h.form == http::TargetForm::kAbsolute;
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

  const ConnectionOptions listed(h.fields);
  bool wrote_host = false;
  std::string xff;
  for (http::HeaderField f : h.fields) {
    if (alwaysHopByHop(f.name) || listed.lists(f.name)) {
      if (!(h.upgrade && equalsLower(f.name, "upgrade"))) continue;
    }
    if (equalsLower(f.name, "upgrade") && !h.upgrade) continue;
    if (!o.x_forwarded) {
      // passed through as the client sent them (below)
    } else if (equalsLower(f.name, "x-forwarded-for")) {
      if (!xff.empty()) xff.append(", ");
      xff.append(f.value);
      continue;
    } else if (equalsLower(f.name, "x-forwarded-proto") || equalsLower(f.name, "x-forwarded-host")) {
      continue;  // ours replace what the client claims
    }
    if (equalsLower(f.name, "host")) {
      wrote_host = true;
      if (absolute) {
        field(out, "Host", h.authority);
        continue;
      }
    }
    field(out, f.name, f.value);
  }
  if (!wrote_host)
    field(out, "Host", absolute || o.default_host.empty() ? h.authority : o.default_host);
  if (h.upgrade) field(out, "Connection", "upgrade");
  if (!o.x_forwarded) {
    out->append("\r\n");
    return;
  }
  if (!xff.empty()) xff.append(", ");
  xff.append(o.client_ip);
  field(out, "X-Forwarded-For", xff);
  field(out, "X-Forwarded-Proto", o.tls ? "https" : "http");
  if (!h.authority.empty()) field(out, "X-Forwarded-Host", h.authority);
  out->append("\r\n");
}

void writeClientHead(const http::ResponseHead& h, const ClientHeadOptions& o, ByteBuffer* out) {
  const bool switching = h.status == 101;
  out->append("HTTP/1.1 ");
  out->append(std::to_string(h.status));
  out->append(" ");
  out->append(h.reason.empty() ? reasonPhrase(h.status) : h.reason);
  out->append("\r\n");
  const ConnectionOptions listed(h.fields);
  for (http::HeaderField f : h.fields) {
    const bool upgrade_field = equalsLower(f.name, "upgrade");
    if ((alwaysHopByHop(f.name) || listed.lists(f.name)) && !(switching && upgrade_field)) continue;
    if (upgrade_field && !switching) continue;
    if (o.strip_chunked && equalsLower(f.name, "transfer-encoding")) continue;
    bool removed = false;
    if (o.edits)
      for (const std::string& name : o.edits->remove) removed = removed || sameName(name, f.name);
    if (removed) continue;
    field(out, f.name, f.value);
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
    has_type = has_type || sameName(name, "content-type");
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
