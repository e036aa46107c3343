#include "datapath/packet/replies.h"

#include <cstring>

#include "datapath/packet/bytes.h"
#include "datapath/packet/checksum.h"
#include "datapath/packet/ipv4_fragment.h"

namespace vlb::dp {
namespace {

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;
constexpr uint8_t kReplyTtl = 64;

// A fresh 20-byte IPv4 header from `dst` (the old destination) to `src`.
void writeIpHeader(uint8_t* ip, uint32_t src, uint32_t dst, uint8_t proto, size_t total) {
  ip[0] = 0x45;
  ip[1] = 0;
  store16(ip + 2, uint16_t(total));
  store16(ip + 4, 0);       // id
  store16(ip + 6, 0x4000);  // DF
  ip[8] = kReplyTtl;
  ip[9] = proto;
  store16(ip + 10, 0);
  store32(ip + 12, src);
  store32(ip + 16, dst);
  store16(ip + 10, internetChecksum(ip, 20));
}

uint16_t tcpChecksum(const uint8_t* ip, const uint8_t* tcp, size_t tcp_len) {
  uint32_t sum = onesSum(ip + 12, 8);  // pseudo header: addresses, zero, protocol, length
  sum += kProtoTcp;
  sum += uint32_t(tcp_len);
  return uint16_t(~onesSum(tcp, tcp_len, sum) & 0xffff);
}

}  // namespace

size_t buildTcpReset(uint8_t* ip, size_t len) {
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  if (ip[9] != kProtoTcp || len < ihl + 20) return 0;
  const uint8_t* in = ip + ihl;
  const uint8_t flags = in[13];
  if (flags & kTcpRst) return 0;
  const size_t doff = size_t(in[12] >> 4) * 4;
  const size_t payload = len >= ihl + doff ? len - ihl - doff : 0;
  const uint32_t src = load32(ip + 12), dst = load32(ip + 16);
  const uint16_t sport = load16(in), dport = load16(in + 2);
  const uint32_t seq = load32(in + 4), ack = load32(in + 8);

  uint8_t tcp[20] = {};
  store16(tcp, dport);
  store16(tcp + 2, sport);
  if (flags & kTcpAck) {
    store32(tcp + 4, ack);  // <SEQ=SEG.ACK><CTL=RST>
    tcp[13] = kTcpRst;
  } else {  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    const uint32_t seg_len = uint32_t(payload) + !!(flags & kTcpSyn) + !!(flags & kTcpFin);
    store32(tcp + 8, seq + seg_len);
    tcp[13] = kTcpRst | kTcpAck;
  }
  tcp[12] = 5 << 4;
  writeIpHeader(ip, dst, src, kProtoTcp, 40);
  std::memcpy(ip + 20, tcp, 20);
  store16(ip + 36, tcpChecksum(ip, ip + 20, 20));
  return 40;
}

size_t buildIcmpUnreachable(uint8_t* ip, size_t len, size_t room, uint8_t code) {
  const size_t ihl = size_t(ip[0] & 0x0f) * 4;
  const bool later_fragment = isLaterIpv4Fragment(ip);
  if (later_fragment || len < ihl + 8) return 0;
  if (ip[9] == kProtoIcmp && ip[ihl] != 0 && ip[ihl] != 8) return 0;  // never about an error
  const size_t quoted = ihl + 8;
  const size_t total = 20 + 8 + quoted;
  if (room < total) return 0;
  const uint32_t src = load32(ip + 12), dst = load32(ip + 16);
  std::memmove(ip + 28, ip, quoted);
  writeIpHeader(ip, dst, src, kProtoIcmp, total);
  uint8_t* icmp = ip + 20;
  icmp[0] = 3;  // destination unreachable
  icmp[1] = code;
  store16(icmp + 2, 0);
  store32(icmp + 4, 0);
  store16(icmp + 2, internetChecksum(icmp, 8 + quoted));
  return total;
}

}  // namespace vlb::dp
