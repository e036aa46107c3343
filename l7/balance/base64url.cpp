// base64url codec, no padding.
#include "l7/balance/base64url.h"

#include <array>

namespace vlb::l7::balance {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int8_t, 256> makeReverse() {
  std::array<int8_t, 256> r{};
  for (auto& v : r) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) r[uint8_t(kAlphabet[i])] = int8_t(i);
  return r;
}
constexpr std::array<int8_t, 256> kReverse = makeReverse();

}  // namespace

void base64urlEncode(std::span<const uint8_t> in, std::string& out) {
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8 | in[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t(in[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
}

bool base64urlDecode(std::string_view in, std::span<uint8_t> out) {
  if (in.size() != base64urlLength(out.size())) return false;
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (char c : in) {
    const int8_t v = kReverse[uint8_t(c)];
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = uint8_t(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return acc == 0;  // unused low bits of the last character must be zero
}

}  // namespace vlb::l7::balance
