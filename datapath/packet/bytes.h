// Big-endian (network order) loads and stores on packet bytes.
#pragma once

#include <cstdint>

namespace vlb::dp {

inline uint16_t load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t load32(const uint8_t* p) { return uint32_t(load16(p)) << 16 | load16(p + 2); }
inline void store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
inline void store32(uint8_t* p, uint32_t v) {
  store16(p, uint16_t(v >> 16));
  store16(p + 2, uint16_t(v));
}

}  // namespace vlb::dp
