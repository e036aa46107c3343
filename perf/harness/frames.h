// Frames of the packet harness: IPv4 TCP/UDP test packets stamped from a template, the in-place
// turn-around of a received packet ("reply mode"), and ARP. Addresses are host byte order here.
#pragma once

#include <rte_ether.h>

#include <cstddef>
#include <cstdint>

namespace vlb::harness {

constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kTcpSyn = 0x02;
constexpr uint8_t kTcpAck = 0x10;
constexpr size_t kMaxFrame = 1514;
constexpr size_t kArpFrameLen = 60;  // padded to the Ethernet minimum (without FCS)

struct TemplateSpec {
  rte_ether_addr src_mac;
  rte_ether_addr dst_mac;
  uint32_t dst_ip;
  uint16_t dst_port;
  uint8_t proto;       // kProtoTcp or kProtoUdp
  uint16_t frame_len;  // bytes in the buffer, without FCS: 60 for a "64-byte" frame
};

// A test frame with source address and port (and TCP flags) left zero, and the one's-complement
// sums of its headers so that stamping a flow costs three additions per checksum.
struct FrameTemplate {
  uint8_t bytes[kMaxFrame];
  uint16_t len;
  uint8_t proto;
  uint32_t ip_sum;  // IPv4 header, checksum and source zero
  uint32_t l4_sum;  // pseudo header and segment, checksum, source and flags zero
};

// False when `spec` does not fit (frame_len below the headers or above kMaxFrame).
bool makeTemplate(const TemplateSpec& spec, FrameTemplate* out);

// Writes the template to `frame` as the packet of flow (src_ip, src_port); `tcp_flags` is
// ignored for UDP. Checksums are complete.
void stampFrame(const FrameTemplate& t, uint8_t* frame, uint32_t src_ip, uint16_t src_port,
                uint8_t tcp_flags);

// IPv4 with protocol `proto` and room for its L4 ports?
bool isTestFrame(const uint8_t* frame, size_t len, uint8_t proto);

// Destination address and port of a test frame (host byte order).
void readDestination(const uint8_t* frame, uint32_t* ip, uint16_t* port);

// Turns a received test frame round in place, as the far end would answer: MACs (new source
// `own_mac`), addresses and ports swapped; a bare SYN becomes SYN-ACK. Checksums stay valid.
void turnAround(uint8_t* frame, const rte_ether_addr& own_mac);

struct ArpView {
  uint16_t op;  // 1 request, 2 reply
  rte_ether_addr sender_mac;
  uint32_t sender_ip;
  uint32_t target_ip;
};

// An Ethernet/IPv4 ARP frame? Fills `out`.
bool parseArp(const uint8_t* frame, size_t len, ArpView* out);

// Writes an ARP frame of kArpFrameLen bytes. A request goes to broadcast with a zero target MAC.
void writeArp(uint8_t* frame, uint16_t op, const rte_ether_addr& src_mac, uint32_t src_ip,
              const rte_ether_addr& dst_mac, uint32_t target_ip);

}  // namespace vlb::harness
