#include "datapath/packet/frame.h"

#include <cstring>

#include "datapath/packet/bytes.h"
#include "datapath/packet/checksum.h"

namespace vlb::dp {
namespace {

constexpr size_t kIpv4MinHeader = 20;


constexpr uint16_t kVlanIdMask = 0x0fff;

constexpr FrameVerdict drop(DropReason r) { return {FrameKind::kDrop, r, 0}; }
constexpr FrameVerdict punt(uint16_t vlan, size_t l3) {
  return {FrameKind::kPunt, DropReason::kNone, 0, vlan, uint8_t(l3)};
}

void rewriteMacsAndTtl(uint8_t* frame, size_t l3_offset, const MacAddr& src, const MacAddr& dst) {
  std::memcpy(frame, dst.bytes, 6);
  std::memcpy(frame + 6, src.bytes, 6);
  uint8_t* ip = frame + l3_offset;
  // TTL is the high byte of the 16-bit word at offset 8 (TTL, protocol).
  const uint16_t old_word = load16(ip + 8);
  ip[8] = uint8_t(ip[8] - 1);
  const uint16_t new_word = load16(ip + 8);
  store16(ip + 10, checksumAdjust(load16(ip + 10), old_word, new_word));
}

}  // namespace

FrameVerdict classifyFrame(const uint8_t* frame, size_t len, const MacAddr& port_mac) {
  if (len < kEthHeaderLen) return drop(DropReason::kRunt);
  const bool group_mac = frame[0] & 1;  // broadcast or multicast
  if (!group_mac && std::memcmp(frame, port_mac.bytes, 6) != 0) return drop(DropReason::kNotForUs);
  size_t l3 = kEthHeaderLen;
  uint16_t vlan = 0;
  if (load16(frame + 12) == kEtherTypeVlan) {
    if (len < kTaggedHeaderLen) return drop(DropReason::kRunt);
    l3 = kTaggedHeaderLen;
    vlan = load16(frame + 14) & kVlanIdMask;
  }
  // Not IPv4 (ARP, IPv6, a second tag): the kernel's business, on the VLAN's sub-interface.
  if (load16(frame + l3 - 2) != kEtherTypeIpv4) return punt(vlan, l3);

  const uint8_t* ip = frame + l3;
  const size_t ip_room = len - l3;
  if (ip_room < kIpv4MinHeader) return drop(DropReason::kBadIpv4Length);
  const size_t header_len = size_t(ip[0] & 0x0f) * 4;
  if ((ip[0] >> 4) != 4 || header_len < kIpv4MinHeader) return drop(DropReason::kBadIpv4Header);
  const size_t total_len = load16(ip + 2);
  if (header_len > ip_room || total_len < header_len || total_len > ip_room)
    return drop(DropReason::kBadIpv4Length);
  if (!checksumValid(ip, header_len)) return drop(DropReason::kBadIpv4Checksum);

  const uint32_t dst = load32(ip + 16);
  // Group traffic, limited broadcast and packets with options are the kernel's business.
  if (group_mac || (dst >> 28) == 0xe || dst == 0xffffffffu || header_len != kIpv4MinHeader)
    return punt(vlan, l3);
  return {FrameKind::kIpv4, DropReason::kNone, dst, vlan, uint8_t(l3)};
}

void rewriteForwarded(uint8_t* frame, const MacAddr& src, const MacAddr& dst) {
  rewriteMacsAndTtl(frame, kEthHeaderLen, src, dst);
}

uint8_t* popVlanTag(uint8_t* frame) {
  std::memmove(frame + kVlanTagLen, frame, 12);
  return frame + kVlanTagLen;
}

uint8_t* rewriteForwardedVlan(uint8_t* frame, size_t l3_offset, uint16_t out_vlan,
                              const MacAddr& src, const MacAddr& dst) {
  const bool tagged = l3_offset == kTaggedHeaderLen;
  uint8_t* start = frame;
  if (tagged && out_vlan == 0) {
    start = popVlanTag(frame);
  } else if (tagged) {
    store16(frame + 14, uint16_t((load16(frame + 14) & ~kVlanIdMask) | out_vlan));
  } else if (out_vlan != 0) {
    start = frame - kVlanTagLen;
    std::memmove(start, frame, 12);
    store16(start + 12, kEtherTypeVlan);
    store16(start + 14, out_vlan & kVlanIdMask);
  }
  rewriteMacsAndTtl(start, out_vlan ? kTaggedHeaderLen : kEthHeaderLen, src, dst);
  return start;
}

}  // namespace vlb::dp
