// base64url without padding (RFC 4648 section 5), strict on decode: a value has exactly one
// encoding, so a cookie cannot be re-spelled to slip past a comparison.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vlb::l7::balance {

void base64urlEncode(std::span<const uint8_t> in, std::string& out);  // appends

// Decodes into `out` (exactly out.size() bytes expected). False on a wrong length, a character
// outside the alphabet, padding, or non-zero unused bits in the last character.
bool base64urlDecode(std::string_view in, std::span<uint8_t> out);

constexpr size_t base64urlLength(size_t bytes) { return (bytes * 4 + 2) / 3; }

}  // namespace vlb::l7::balance
