// NAT on an IPv4 packet in place: addresses and ports (TCP, UDP; the identifier of ICMP echo),
// with every checksum adjusted incrementally (RFC 1624), and ICMP errors translated together
// with the packet they quote, so that PMTU discovery and traceroute work through the NAT.
// Pure functions on bytes (network order in the packet, host order in the arguments).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlb::dp {

constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17;

// The new source and destination of a packet; ports are the ICMP echo identifier for ICMP
// (`src_port` for echo requests, `dst_port` for replies, as the flow key uses them).
struct NatTuple {
  uint32_t src_addr, dst_addr;
  uint16_t src_port, dst_port;
};

// What a packet's L4 header holds, read once.
struct L4View {
  uint8_t protocol;
  uint16_t src_port, dst_port;  // ICMP echo: the identifier in both; ICMP errors: 0
  uint8_t icmp_type;            // ICMP only
  bool first_fragment;          // the L4 header is in this packet
  bool is_fragment;             // MF set or offset ≠ 0
};

enum class NatResult : uint8_t {
  kOk,
  kTruncated,    // the L4 (or quoted) header is not all there
  kUnsupported,  // a protocol or ICMP type NAT does not translate
};

// Reads the L4 header of the IPv4 packet at `ip` (`len` bytes from the IP header on).
NatResult viewL4(const uint8_t* ip, size_t len, L4View* out);

// Rewrites addresses and ports to `to`. Non-first fragments change addresses only.
NatResult natRewrite(uint8_t* ip, size_t len, const NatTuple& to);

// An ICMP error (destination unreachable, time exceeded, parameter problem) quotes the packet
// that caused it. `quoted_to` is what that packet must look like after translation (its source
// and destination, as the NAT's other side knows them); `outer_dst` is the new destination of
// the error itself (the outer source, a router or the real, is kept).
NatResult natRewriteIcmpError(uint8_t* ip, size_t len, uint32_t outer_dst, const NatTuple& quoted_to);

// For an ICMP error: the tuple of the quoted packet (its source, destination and ports), so that
// the flow it belongs to can be looked up. kUnsupported for other ICMP.
NatResult quotedTuple(const uint8_t* ip, size_t len, uint8_t* quoted_protocol, NatTuple* out);

// Static NAT (1:1, stateless): the packet's source and destination addresses become `src` and
// `dst`, ports and identifiers kept, for any protocol. Checksums follow: IPv4 always; TCP and UDP
// (pseudo header) when their header is in this packet; an ICMP error's quoted packet has the
// address matching the changed one replaced too (the quoted destination when the source changes,
// the quoted source when the destination changes), so that the error still names the connection.
NatResult natRewriteAddresses(uint8_t* ip, size_t len, uint32_t src, uint32_t dst);

inline bool isIcmpError(uint8_t type) { return type == 3 || type == 11 || type == 12; }

}  // namespace vlb::dp
