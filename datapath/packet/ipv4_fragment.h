// The fragment fields of a checked IPv4 header (flags and offset, bytes 6-7).
#pragma once

#include <cstdint>

#include "datapath/packet/bytes.h"

namespace vlb::dp {

// Any fragment: more fragments follow, or an offset.
inline bool isIpv4Fragment(const uint8_t* ip) { return (load16(ip + 6) & 0x3fff) != 0; }
// A later fragment: an offset, so no L4 header.
inline bool isLaterIpv4Fragment(const uint8_t* ip) { return (load16(ip + 6) & 0x1fff) != 0; }

}  // namespace vlb::dp
