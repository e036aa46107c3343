#include "datapath/nat/nat_rewrite.h"

#include "datapath/packet/bytes.h"
#include "datapath/packet/checksum.h"
#include "datapath/packet/ipv4_fragment.h"

namespace vlb::dp {
namespace {

constexpr size_t kIpMin = 20;


size_t headerLen(const uint8_t* ip) { return size_t(ip[0] & 0x0f) * 4; }

// Incremental checksums (RFC 1624, eqn. 3) as one folded delta per checksum: the one's-complement
// sum of ~old + new over every 16-bit word that changes.
inline uint32_t delta16(uint16_t from, uint16_t to) { return uint32_t(uint16_t(~from)) + to; }
inline uint32_t delta32(uint32_t from, uint32_t to) {
  return delta16(uint16_t(from >> 16), uint16_t(to >> 16)) + delta16(uint16_t(from), uint16_t(to));
}
inline uint16_t applyDelta(uint16_t sum, uint32_t delta) {
  uint64_t s = uint64_t(uint16_t(~sum)) + delta;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}
inline void adjust(uint8_t* sum_field, uint32_t delta) {
  store16(sum_field, applyDelta(load16(sum_field), delta));
}
// A UDP checksum of zero means "none" and stays zero; one that becomes zero is sent as 0xffff.
inline void adjustUdp(uint8_t* sum_field, uint32_t delta) {
  const uint16_t sum = load16(sum_field);
  if (sum == 0) return;
  const uint16_t next = applyDelta(sum, delta);
  store16(sum_field, next == 0 ? 0xffff : next);
}

// Rewrites the packet at `ip` (`len` bytes available) to `to`. For a quoted packet only the
// bytes present are touched: its L4 checksum when the header is whole, its ports when the first
// 8 bytes are there.
void rewrite(uint8_t* ip, size_t len, const NatTuple& to) {
  const size_t ihl = headerLen(ip);
  const uint8_t proto = ip[9];
  uint8_t* l4 = ip + ihl;
  const size_t l4_len = len - ihl;
  const bool has_l4 = !isLaterIpv4Fragment(ip) && l4_len >= 8;

  const uint32_t addresses = delta32(load32(ip + 12), to.src_addr) + delta32(load32(ip + 16), to.dst_addr);
  store32(ip + 12, to.src_addr);
  store32(ip + 16, to.dst_addr);
  adjust(ip + 10, addresses);
  if (!has_l4) return;

  if (proto == kProtoTcp || proto == kProtoUdp) {
    // TCP and UDP checksums cover a pseudo header with the addresses, then the ports.
    const uint32_t all = addresses + delta16(load16(l4), to.src_port) + delta16(load16(l4 + 2), to.dst_port);
    store16(l4, to.src_port);
    store16(l4 + 2, to.dst_port);
    if (proto == kProtoUdp) adjustUdp(l4 + 6, all);
    if (proto == kProtoTcp && l4_len >= 20) adjust(l4 + 16, all);
  } else if (proto == kProtoIcmp && (l4[0] == 8 || l4[0] == 0)) {
    // ICMP's checksum has no pseudo header: only the identifier counts.
    const uint16_t id = l4[0] == 8 ? to.src_port : to.dst_port;
    adjust(l4 + 2, delta16(load16(l4 + 4), id));
    store16(l4 + 4, id);
  }
}

bool headerOk(const uint8_t* ip, size_t len) {
  return len >= kIpMin && (ip[0] >> 4) == 4 && headerLen(ip) >= kIpMin && headerLen(ip) <= len;
}

}  // namespace

NatResult viewL4(const uint8_t* ip, size_t len, L4View* out) {
  if (!headerOk(ip, len)) return NatResult::kTruncated;
  const uint8_t* l4 = ip + headerLen(ip);
  const size_t l4_len = len - headerLen(ip);
  *out = {ip[9], 0, 0, 0, !isLaterIpv4Fragment(ip), isIpv4Fragment(ip)};
  if (ip[9] != kProtoTcp && ip[9] != kProtoUdp && ip[9] != kProtoIcmp)
    return NatResult::kUnsupported;
  if (!out->first_fragment) return NatResult::kOk;
  if (l4_len < (ip[9] == kProtoTcp ? 20u : 8u)) return NatResult::kTruncated;
  if (ip[9] == kProtoIcmp) {
    out->icmp_type = l4[0];
    if (l4[0] == 8 || l4[0] == 0) out->src_port = out->dst_port = load16(l4 + 4);
  } else {
    out->src_port = load16(l4);
    out->dst_port = load16(l4 + 2);
  }
  return NatResult::kOk;
}

NatResult natRewrite(uint8_t* ip, size_t len, const NatTuple& to) {
  L4View v;
  if (NatResult r = viewL4(ip, len, &v); r != NatResult::kOk) return r;
  if (v.protocol == kProtoIcmp && v.first_fragment && v.icmp_type != 8 && v.icmp_type != 0)
    return NatResult::kUnsupported;  // errors: natRewriteIcmpError; other ICMP is not NATed
  rewrite(ip, len, to);
  return NatResult::kOk;
}

NatResult quotedTuple(const uint8_t* ip, size_t len, uint8_t* quoted_protocol, NatTuple* out) {
  L4View v;
  if (NatResult r = viewL4(ip, len, &v); r != NatResult::kOk) return r;
  if (v.protocol != kProtoIcmp || !v.first_fragment || !isIcmpError(v.icmp_type))
    return NatResult::kUnsupported;
  const uint8_t* q = ip + headerLen(ip) + 8;
  const size_t q_len = len - headerLen(ip) - 8;
  if (!headerOk(q, q_len) || q_len < headerLen(q) + 8) return NatResult::kTruncated;
  const uint8_t* ql4 = q + headerLen(q);
  *quoted_protocol = q[9];
  out->src_addr = load32(q + 12);
  out->dst_addr = load32(q + 16);
  out->src_port = out->dst_port = 0;
  if (q[9] == kProtoTcp || q[9] == kProtoUdp) {
    out->src_port = load16(ql4);
    out->dst_port = load16(ql4 + 2);
  } else if (q[9] == kProtoIcmp && (ql4[0] == 8 || ql4[0] == 0)) {
    out->src_port = out->dst_port = load16(ql4 + 4);
  } else {
    return NatResult::kUnsupported;
  }
  return NatResult::kOk;
}

NatResult natRewriteIcmpError(uint8_t* ip, size_t len, uint32_t outer_dst,
                              const NatTuple& quoted_to) {
  uint8_t protocol;
  NatTuple quoted;
  if (NatResult r = quotedTuple(ip, len, &protocol, &quoted); r != NatResult::kOk) return r;
  uint8_t* icmp = ip + headerLen(ip);
  const size_t icmp_len = len - headerLen(ip);
  rewrite(icmp + 8, icmp_len - 8, quoted_to);
  // ICMP errors are rare and short (≤ 576 bytes): recomputing their checksum is simplest.
  store16(icmp + 2, 0);
  store16(icmp + 2, internetChecksum(icmp, icmp_len));
  adjust(ip + 10, delta32(load32(ip + 16), outer_dst));
  store32(ip + 16, outer_dst);
  return NatResult::kOk;
}

NatResult natRewriteAddresses(uint8_t* ip, size_t len, uint32_t src, uint32_t dst) {
  if (!headerOk(ip, len)) return NatResult::kTruncated;
  const uint32_t old_src = load32(ip + 12), old_dst = load32(ip + 16);
  L4View v{};
  const NatResult view = viewL4(ip, len, &v);
  if (view == NatResult::kTruncated) return view;
  if (view == NatResult::kOk && v.protocol == kProtoIcmp && v.first_fragment &&
      isIcmpError(v.icmp_type)) {
    uint8_t quoted_proto = 0;
    NatTuple q{};
    const NatResult quoted = quotedTuple(ip, len, &quoted_proto, &q);
    // kUnsupported with a protocol read: a quoted packet without ports (ICMP other than echo,
    // GRE, ESP...) whose addresses are still translated.
    if (quoted == NatResult::kOk || (quoted == NatResult::kUnsupported && quoted_proto != 0)) {
      uint8_t* icmp = ip + headerLen(ip);
      const size_t icmp_len = len - headerLen(ip);
      q.src_addr = load32(icmp + 8 + 12);
      q.dst_addr = load32(icmp + 8 + 16);
      if (q.src_addr == old_dst) q.src_addr = dst;
      if (q.dst_addr == old_src) q.dst_addr = src;
      rewrite(icmp + 8, icmp_len - 8, q);
      store16(icmp + 2, 0);
      store16(icmp + 2, internetChecksum(icmp, icmp_len));
    }
  }
  // The ports stay: rewrite() is handed the ones the packet has.
  const NatTuple to{src, dst, v.src_port, v.dst_port};
  if (view == NatResult::kOk && v.protocol == kProtoIcmp && v.icmp_type != 8 && v.icmp_type != 0) {
    // Other ICMP carries no identifier to keep: addresses and the IP checksum only.
    const uint32_t addresses = delta32(old_src, src) + delta32(old_dst, dst);
    store32(ip + 12, src);
    store32(ip + 16, dst);
    adjust(ip + 10, addresses);
    return NatResult::kOk;
  }
  rewrite(ip, len, to);  // other protocols: addresses only (rewrite() knows no more of them)
  return NatResult::kOk;
}

}  // namespace vlb::dp
