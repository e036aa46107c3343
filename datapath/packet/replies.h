// Answers the datapath builds in place of a packet it refuses, so that the sender learns at once
// instead of retransmitting into silence: a TCP reset (RFC 9293 §3.10.7.1 for a segment with no
// connection) and an ICMP destination unreachable quoting the packet (RFC 792, RFC 1812 §4.3.2.3).
// The answer goes from the packet's destination back to its source, addresses as the sender used
// them; the caller routes it to its new destination (the old source).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlb::dp {

// `ip`: a checked IPv4 packet of `len` bytes holding a whole TCP header. Returns the reset's
// length (40: IP + TCP, no options), or 0 when no reset is due (the packet itself is a reset).
size_t buildTcpReset(uint8_t* ip, size_t len);

constexpr uint8_t kIcmpPortUnreachable = 3;
constexpr uint8_t kIcmpHostUnreachable = 1;

// An ICMP destination unreachable (`code`) about the packet, quoting its IP header and 8 bytes.
// `room`: the bytes writable from `ip` on (at least 56 + IP options). Returns the new length,
// or 0 when the packet must not be answered (an ICMP error itself, a later fragment, no room).
size_t buildIcmpUnreachable(uint8_t* ip, size_t len, size_t room, uint8_t code);

}  // namespace vlb::dp
