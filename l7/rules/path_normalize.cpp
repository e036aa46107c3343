// Percent-decoding of unreserved characters and dot-segment removal (RFC 3986 6.2.2.2, 5.2.4).
#include "l7/rules/path_normalize.h"

#include "l7/http/chars.h"

namespace vlb::l7::rules {

namespace chars = vlb::l7::http::chars;

namespace {

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool needsWork(std::string_view path) {
  return path.find('%') != std::string_view::npos || path.find("/.") != std::string_view::npos;
}

// %XX of an unreserved character becomes the character; other triplets are kept as they are.
void decodeUnreserved(std::string_view path, std::string& out) {
  out.clear();
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && chars::is(path[i + 1], chars::kHex) &&
        chars::is(path[i + 2], chars::kHex)) {
      const char c = char(chars::hexValue(path[i + 1]) * 16 + chars::hexValue(path[i + 2]));
      if (unreserved(c)) {
        out.push_back(c);
        i += 2;
        continue;
      }
    }
    out.push_back(path[i]);
  }
}

// In place: each segment is "/" + name; "." is dropped, ".." drops the segment before it (never
// above the root). A final "." or ".." leaves a trailing "/".
void removeDotSegments(std::string& s) {
  const size_t n = s.size();
  size_t read = 0, write = 0;
  while (read < n) {
    size_t end = s.find('/', read + 1);
    if (end == std::string::npos) end = n;
    const std::string_view segment(s.data() + read + 1, end - read - 1);
    if (segment == "." || segment == "..") {
      if (segment == ".." && write > 0) write = s.rfind('/', write - 1);
      if (end == n) s[write++] = '/';
    } else {
      for (size_t k = read; k < end; ++k) s[write++] = s[k];
    }
    read = end;
  }
  s.resize(write);
}

}  // namespace

std::string_view normalizePath(std::string_view path, std::string& scratch) {
  if (path.empty()) return "/";
  if (path.front() != '/' || !needsWork(path)) return path;
  decodeUnreserved(path, scratch);
  removeDotSegments(scratch);
  if (scratch.empty()) scratch.push_back('/');
  return scratch;
}

}  // namespace vlb::l7::rules
