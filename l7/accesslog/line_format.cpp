// Formatting and parsing of access log lines (see line_format.h for the layout).
#include "l7/accesslog/line_format.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace vlb::l7::accesslog {
namespace {

void appendTime(int64_t unix_ms, std::string* out) {
  const time_t secs = time_t(unix_ms / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm_utc.tm_year + 1900, tm_utc.tm_mon + 1, tm_utc.tm_mday,
                              tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec, int(unix_ms % 1000));
  out->append(buf, size_t(n));
}

// A bare value: printable, no space, no quote; anything else is replaced so a line stays a line.
void appendBare(std::string_view v, std::string* out) {
  if (v.empty()) {
    out->push_back('-');
    return;
  }
  for (char c : v) out->push_back(c > 0x20 && c < 0x7f && c != '"' ? c : '?');
}

void appendQuoted(std::string_view v, std::string* out) {
  out->push_back('"');
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out->append(buf, 4);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void appendMs(int64_t us, std::string* out) {
  if (us < 0) {
    out->push_back('-');
    return;
  }
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(us / 1000),
                              static_cast<long long>(us % 1000));
  out->append(buf, size_t(n));
}

void key(std::string_view k, std::string* out) {
  if (!out->empty() && out->back() != '\n') out->push_back(' ');
  out->append(k);
  out->push_back('=');
}

}  // namespace

std::string formatAddress(const sockaddr_storage& a) {
  char ip[INET6_ADDRSTRLEN] = "-";
  if (a.ss_family == AF_INET) {
    const auto& s = reinterpret_cast<const sockaddr_in&>(a);
    inet_ntop(AF_INET, &s.sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(s.sin_port));
  }
  if (a.ss_family == AF_INET6) {
    const auto& s = reinterpret_cast<const sockaddr_in6&>(a);
    inet_ntop(AF_INET6, &s.sin6_addr, ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(ntohs(s.sin6_port));
  }
  return "-";
}

void appendLine(const AccessRecord& r, std::string* out) {
  out->append("time=");
  appendTime(r.unix_ms, out);
  key("service", out), appendBare(r.service, out);
  key("client", out), out->append(formatAddress(r.client));
  key("vip", out), out->append(formatAddress(r.vip));
  key("host", out), appendBare(r.host, out);
  key("method", out), appendBare(r.method, out);
  key("path", out), appendQuoted(r.path, out);
  key("status", out), out->append(r.status ? std::to_string(r.status) : "-");
  key("bytes_in", out), out->append(std::to_string(r.bytes_in));
  key("bytes_out", out), out->append(std::to_string(r.bytes_out));
  key("real", out), appendBare(r.real, out);
  key("upstream_ms", out), appendMs(r.upstream_us, out);
  key("total_ms", out), appendMs(r.total_us, out);
  key("tls", out), appendBare(r.tls_version, out);
  key("cipher", out), appendBare(r.tls_cipher, out);
  key("persist", out);
  out->append(r.persistence == Persistence::kHit    ? "hit"
              : r.persistence == Persistence::kMiss ? "miss"
                                                    : "-");
  out->push_back('\n');
}

std::map<std::string, std::string> parseLine(std::string_view line) {
  std::map<std::string, std::string> fields;
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t eq = line.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name(line.substr(i, eq - i));
    i = eq + 1;
    std::string value;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\' || i >= line.size()) {
          value.push_back(c);
          continue;
        }
        const char e = line[i++];
        if (e == 'x' && i + 2 <= line.size() && std::isxdigit(uint8_t(line[i])) &&
            std::isxdigit(uint8_t(line[i + 1]))) {
          value.push_back(char(std::strtol(std::string(line.substr(i, 2)).c_str(), nullptr, 16)));
          i += 2;
        } else {
          value.push_back(e);
        }
      }
      if (!closed) break;
    } else {
      const size_t end = std::min(line.find(' ', i), line.size());
      value = std::string(line.substr(i, end - i));
      i = end;
    }
    fields.emplace(std::move(name), std::move(value));
  }
  return fields;
}

}  // namespace vlb::l7::accesslog
