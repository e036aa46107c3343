// Character classes of RFC 9110/9112 (and the RFC 3986 pieces we check), one table lookup each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vlb::l7::http::chars {

enum : uint8_t {
  kToken = 1 << 0,       // tchar
  kFieldValue = 1 << 1,  // field-vchar (VCHAR / obs-text), SP, HTAB
  kTarget = 1 << 2,  // what a request-target may hold: VCHAR except '#' (no fragment, no obs-text)
  kHex = 1 << 3,     // HEXDIG, either case
  kDigit = 1 << 4,   // DIGIT
  kHostName = 1 << 5,  // what we accept in a reg-name: ALPHA DIGIT - . _ ~
  kQdtext = 1 << 6,    // qdtext of a quoted-string
  kVchar = 1 << 7,     // VCHAR / obs-text (quoted-pair's second octet, besides SP/HTAB)
};

constexpr std::array<uint8_t, 256> makeTable() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    const bool vchar = c >= 0x21 && c <= 0x7e;
    const bool obs_text = c >= 0x80;
    const bool ows = c == ' ' || c == '\t';
    uint8_t v = 0;
    if (alpha || digit ||
        std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos)
      v |= kToken;
    if (vchar || obs_text || ows) v |= kFieldValue;
    if (vchar && c != '#') v |= kTarget;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHex;
    if (digit) v |= kDigit;
    if (alpha || digit || c == '-' || c == '.' || c == '_' || c == '~') v |= kHostName;
    if (ows || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || obs_text)
      v |= kQdtext;
    if (vchar || obs_text) v |= kVchar;
    t[size_t(c)] = v;
  }
  return t;
}

inline constexpr std::array<uint8_t, 256> kTable = makeTable();

constexpr bool is(char c, uint8_t cls) { return (kTable[uint8_t(c)] & cls) != 0; }
constexpr bool isOws(char c) { return c == ' ' || c == '\t'; }
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c; }
constexpr uint8_t hexValue(char c) {
  return c <= '9' ? uint8_t(c - '0') : uint8_t(lower(c) - 'a' + 10);
}

// ASCII case-insensitive equality against a lowercase literal.
constexpr bool equalsLower(std::string_view s, std::string_view lower_literal) {
  if (s.size() != lower_literal.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (lower(s[i]) != lower_literal[i]) return false;
  return true;
}

constexpr std::string_view trimOws(std::string_view s) {
  while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && isOws(s.back())) s.remove_suffix(1);
  return s;
}

constexpr bool allOf(std::string_view s, uint8_t cls) {
  for (char c : s)
    if (!is(c, cls)) return false;
  return true;
}

// Eight bytes at a time (SWAR): whether a word holds a byte below `n` (n <= 0x80; bytes of 0x80 and
// up never count) or a byte equal to `b`.
constexpr uint64_t kOnes = 0x0101010101010101;
constexpr uint64_t kHighs = 0x8080808080808080;
constexpr bool anyBelow(uint64_t x, uint8_t n) { return ((x - kOnes * n) & ~x & kHighs) != 0; }
constexpr bool anyEqual(uint64_t x, uint8_t b) {
  const uint64_t y = x ^ (kOnes * b);
  return ((y - kOnes) & ~y & kHighs) != 0;
}
inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Index of the first byte of [p, p + n) outside `cls`, or n. `word_ok` tells whether eight bytes
// are all inside the class without looking at them one by one (a fast path; false is always safe).
template <class WordOk>
inline size_t scan(const char* p, size_t n, uint8_t cls, WordOk word_ok) {
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && word_ok(load8(p + i))) {
      i += 8;
      continue;
    }
    if (!is(p[i], cls)) return i;
    ++i;
  }
  return n;
}

// field-value octets other than HTAB: 0x20..0x7e and obs-text.
inline size_t scanFieldValue(const char* p, size_t n) {
  return scan(p, n, kFieldValue,
              [](uint64_t w) { return !anyBelow(w, 0x20) && !anyEqual(w, 0x7f); });
}

// request-target octets: 0x21..0x7e except '#'.
inline size_t scanTarget(const char* p, size_t n) {
  return scan(p, n, kTarget, [](uint64_t w) {
    return (w & kHighs) == 0 && !anyBelow(w, 0x21) && !anyEqual(w, 0x7f) && !anyEqual(w, '#');
  });
}

}  // namespace vlb::l7::http::chars
