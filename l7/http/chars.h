// Character classes of RFC 9110/9112 (and the RFC 3986 pieces we check), one table lookup each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The first `c` in s[from, size), or npos: a plain loop, for the short strings of a head, where a
// call to memchr costs more than it saves.
constexpr size_t find(std::string_view s, char c, size_t from = 0) {
  for (size_t i = from; i < s.size(); ++i)
    if (s[i] == c) return i;
  return std::string_view::npos;
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

// Bytes a field line may not hold (RFC 9110 section 5.5): controls other than HTAB -- the line's
// own CR among them -- and DEL, i.e. whatever is not a field-value octet.
constexpr bool isLineBad(char c) { return !is(c, kFieldValue); }

// The end of a line whose bytes before `from` were looked at already: the offset of the first LF
// in [from, stop), or `stop` when there is none. *first_bad, when still `kNoBadByte`, becomes the
// offset of the first isLineBad byte in [from, LF). base[0, stop) must be readable: sixteen bytes
// are looked at a time where SSE2 is there, the last ones as the sixteen that end at `stop` (the
// bytes before `from` in that block are masked out, so the answer never depends on them). LF is a
// bad byte too: a block is looked into only when it holds one, as the block with the CRLF does.
inline constexpr size_t kNoBadByte = SIZE_MAX;
inline size_t scanLineEnd(const char* base, size_t from, size_t stop, size_t* first_bad) {
#if defined(__SSE2__)
  if (stop >= 16) {
    for (size_t i = from; i < stop;) {
      const size_t at = i + 16 <= stop ? i : stop - 16;  // the block's first byte
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at));
      const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);  // <= 0x1f
      const __m128i tab = _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'));
      const __m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
      unsigned bad = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(tab, ctl), del))) &
                     (0xffffu << (i - at));
      for (; bad != 0; bad &= bad - 1) {
        const size_t p = at + size_t(__builtin_ctz(bad));
        if (base[p] == '\n') return p;
        if (*first_bad == kNoBadByte) *first_bad = p;
        if (base[p] == '\r' && p + 1 < stop && base[p + 1] == '\n') return p + 1;  // the usual end
      }
      i = at + 16;
    }
    return stop;
  }
#endif
  for (size_t i = from; i < stop; ++i) {
    if (base[i] == '\n') return i;
    if (*first_bad == kNoBadByte && isLineBad(base[i])) *first_bad = i;
  }
  return stop;
}

// ASCII case-insensitive equality of a field name or value (no CR; field-value octets) with a
// lowercase literal made of letters and '-' of the same size, eight or four bytes at a time:
// OR-ing 0x20 into a byte lowercases a letter and keeps '-', and only CR would OR into '-'.
inline bool nameEqualsLower(std::string_view name, std::string_view lower_literal) {
  const size_t n = lower_literal.size();
  if (name.size() != n) return false;
  const char* a = name.data();
  const char* b = lower_literal.data();
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8)
      if ((load8(a + i) | kOnes * 0x20) != load8(b + i)) return false;
    return (load8(a + n - 8) | kOnes * 0x20) == load8(b + n - 8);
  }
  if (n >= 4) {
    uint32_t x, y, z, w;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&z, a + n - 4, 4);
    std::memcpy(&w, b + n - 4, 4);
    return ((x | 0x20202020u) == y) && ((z | 0x20202020u) == w);
  }
  return equalsLower(name, lower_literal);
}

// request-target octets: 0x21..0x7e except '#'.
inline size_t scanTarget(const char* p, size_t n) {
  return scan(p, n, kTarget, [](uint64_t w) {
    return (w & kHighs) == 0 && !anyBelow(w, 0x21) && !anyEqual(w, 0x7f) && !anyEqual(w, '#');
  });
}

}  // namespace vlb::l7::http::chars
