#include "frames.h"

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <cstring>

namespace vlb::harness {
namespace {

constexpr size_t kEth = sizeof(rte_ether_hdr);
constexpr size_t kIp = sizeof(rte_ipv4_hdr);
constexpr size_t kL4 = kEth + kIp;
constexpr size_t kTcpFlagsOffset = 13;

// One's-complement sums over words as they lie in memory (like rte_raw_cksum), so that no byte
// swapping is needed: the folded result is stored back as it is.
inline uint32_t word(const void* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}
inline uint16_t fold(uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(sum);
}
inline void store(void* p, uint16_t w) { std::memcpy(p, &w, 2); }

uint16_t l4ChecksumOffset(uint8_t proto) {
  return uint16_t(kL4 + (proto == kProtoTcp ? offsetof(rte_tcp_hdr, cksum)
                                            : offsetof(rte_udp_hdr, dgram_cksum)));
}

}  // namespace

bool makeTemplate(const TemplateSpec& spec, FrameTemplate* t) {
  const size_t l4_header = spec.proto == kProtoTcp ? sizeof(rte_tcp_hdr) : sizeof(rte_udp_hdr);
  if (spec.frame_len < kL4 + l4_header || spec.frame_len > kMaxFrame) return false;
  std::memset(t, 0, sizeof *t);
  t->len = spec.frame_len;
  t->proto = spec.proto;
  auto* eth = reinterpret_cast<rte_ether_hdr*>(t->bytes);
  eth->dst_addr = spec.dst_mac;
  eth->src_addr = spec.src_mac;
  eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(t->bytes + kEth);
  const uint16_t ip_len = uint16_t(spec.frame_len - kEth);
  ip->version_ihl = RTE_IPV4_VHL_DEF;
  ip->total_length = rte_cpu_to_be_16(ip_len);
  ip->time_to_live = 64;
  ip->next_proto_id = spec.proto;
  ip->dst_addr = rte_cpu_to_be_32(spec.dst_ip);
  uint8_t* l4 = t->bytes + kL4;
  const uint16_t l4_len = uint16_t(ip_len - kIp);
  if (spec.proto == kProtoTcp) {
    auto* tcp = reinterpret_cast<rte_tcp_hdr*>(l4);
    tcp->dst_port = rte_cpu_to_be_16(spec.dst_port);
    tcp->sent_seq = rte_cpu_to_be_32(1);
    tcp->data_off = uint8_t((sizeof(rte_tcp_hdr) / 4) << 4);
    tcp->rx_win = rte_cpu_to_be_16(65535);
  } else {
    auto* udp = reinterpret_cast<rte_udp_hdr*>(l4);
    udp->dst_port = rte_cpu_to_be_16(spec.dst_port);
    udp->dgram_len = rte_cpu_to_be_16(l4_len);
  }
  for (size_t i = kL4 + l4_header; i < spec.frame_len; ++i) t->bytes[i] = uint8_t(i);
  t->ip_sum = rte_raw_cksum(ip, kIp);
  // Pseudo header: addresses (source zero), protocol, L4 length.
  const uint16_t pseudo[2] = {rte_cpu_to_be_16(spec.proto), rte_cpu_to_be_16(l4_len)};
  t->l4_sum = uint32_t(rte_raw_cksum(l4, l4_len)) + word(&ip->dst_addr) +
              word(reinterpret_cast<uint8_t*>(&ip->dst_addr) + 2) + word(&pseudo[0]) +
              word(&pseudo[1]);
  return true;
}

void stampFrame(const FrameTemplate& t, uint8_t* frame, uint32_t src_ip, uint16_t src_port,
                uint8_t tcp_flags) {
  std::memcpy(frame, t.bytes, t.len);
  uint8_t* ip = frame + kEth;
  const uint32_t src_be = rte_cpu_to_be_32(src_ip);
  std::memcpy(ip + 12, &src_be, 4);
  const uint32_t addr_sum = word(ip + 12) + word(ip + 14);
  store(ip + 10, uint16_t(~fold(t.ip_sum + addr_sum)));
  uint8_t* l4 = frame + kL4;
  store(l4, rte_cpu_to_be_16(src_port));
  uint32_t sum = t.l4_sum + addr_sum + word(l4);
  if (t.proto == kProtoTcp) {
    l4[kTcpFlagsOffset] = tcp_flags;
    const uint8_t flags_word[2] = {0, tcp_flags};  // the template's word holds only the offset
    sum += word(flags_word);
  }
  uint16_t cksum = uint16_t(~fold(sum));
  if (t.proto == kProtoUdp && cksum == 0) cksum = 0xffff;  // zero means "no checksum" in UDP
  store(frame + l4ChecksumOffset(t.proto), cksum);
}

bool isTestFrame(const uint8_t* frame, size_t len, uint8_t proto) {
  if (len < kL4 + 4) return false;
  const auto* eth = reinterpret_cast<const rte_ether_hdr*>(frame);
  if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) return false;
  const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(frame + kEth);
  return ip->version_ihl == RTE_IPV4_VHL_DEF && ip->next_proto_id == proto;
}

void readDestination(const uint8_t* frame, uint32_t* ip, uint16_t* port) {
  const auto* hdr = reinterpret_cast<const rte_ipv4_hdr*>(frame + kEth);
  *ip = rte_be_to_cpu_32(hdr->dst_addr);
  uint16_t p;
  std::memcpy(&p, frame + kL4 + 2, 2);
  *port = rte_be_to_cpu_16(p);
}

void turnAround(uint8_t* frame, const rte_ether_addr& own_mac) {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(frame);
  eth->dst_addr = eth->src_addr;
  eth->src_addr = own_mac;
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(frame + kEth);
  const uint32_t src = ip->src_addr;  // sums are order-blind: checksums stay valid
  ip->src_addr = ip->dst_addr;
  ip->dst_addr = src;
  uint8_t* l4 = frame + kL4;
  uint8_t ports[4];
  std::memcpy(ports, l4 + 2, 2);
  std::memcpy(ports + 2, l4, 2);
  std::memcpy(l4, ports, 4);
  if (ip->next_proto_id != kProtoTcp) return;
  uint8_t* flags_word = l4 + kTcpFlagsOffset - 1;
  if ((flags_word[1] & (kTcpSyn | kTcpAck)) != kTcpSyn) return;
  // RFC 1624 incremental update for the flags: HC' = ~(~HC + ~m + m').
  const uint32_t old_word = word(flags_word);
  flags_word[1] |= kTcpAck;
  uint8_t* cksum = l4 + offsetof(rte_tcp_hdr, cksum);
  const uint32_t sum = uint16_t(~word(cksum)) + uint16_t(~old_word) + word(flags_word);
  store(cksum, uint16_t(~fold(sum)));
}

bool parseArp(const uint8_t* frame, size_t len, ArpView* out) {
  if (len < kEth + sizeof(rte_arp_hdr)) return false;
  const auto* eth = reinterpret_cast<const rte_ether_hdr*>(frame);
  if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) return false;
  const auto* arp = reinterpret_cast<const rte_arp_hdr*>(frame + kEth);
  if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
      arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
    return false;
  out->op = rte_be_to_cpu_16(arp->arp_opcode);
  out->sender_mac = arp->arp_data.arp_sha;
  out->sender_ip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
  out->target_ip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
  return true;
}

void writeArp(uint8_t* frame, uint16_t op, const rte_ether_addr& src_mac, uint32_t src_ip,
              const rte_ether_addr& dst_mac, uint32_t target_ip) {
  std::memset(frame, 0, kArpFrameLen);
  auto* eth = reinterpret_cast<rte_ether_hdr*>(frame);
  const bool request = op == RTE_ARP_OP_REQUEST;
  if (request)
    std::memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
  else
    eth->dst_addr = dst_mac;
  eth->src_addr = src_mac;
  eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
  auto* arp = reinterpret_cast<rte_arp_hdr*>(frame + kEth);
  arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
  arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
  arp->arp_hlen = RTE_ETHER_ADDR_LEN;
  arp->arp_plen = 4;
  arp->arp_opcode = rte_cpu_to_be_16(op);
  arp->arp_data.arp_sha = src_mac;
  arp->arp_data.arp_sip = rte_cpu_to_be_32(src_ip);
  if (!request) arp->arp_data.arp_tha = dst_mac;
  arp->arp_data.arp_tip = rte_cpu_to_be_32(target_ip);
}

}  // namespace vlb::harness
