// Internet checksums (RFC 1071) and their incremental update (RFC 1624), on plain bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlb::dp {

// One's-complement sum of `len` bytes, folded to 16 bits, not inverted.
inline uint32_t onesSum(const uint8_t* data, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += uint32_t(data[i]) << 8 | data[i + 1];
  if (len & 1) sum += uint32_t(data[len - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

// The checksum to store in a header whose checksum field is zero (host order).
inline uint16_t internetChecksum(const uint8_t* data, size_t len) {
  return uint16_t(~onesSum(data, len) & 0xffff);
}

// A header with a correct checksum sums to 0xffff.
inline bool checksumValid(const uint8_t* data, size_t len) { return onesSum(data, len) == 0xffff; }

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all 16-bit words in host order.
inline uint16_t checksumAdjust(uint16_t old_checksum, uint16_t old_word, uint16_t new_word) {
  uint32_t sum = uint16_t(~old_checksum) + uint32_t(uint16_t(~old_word)) + new_word;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum & 0xffff);
}

}  // namespace vlb::dp
