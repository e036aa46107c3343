#include "datapath/packet/frame.h"

#include <cstring>

#include "datapath/packet/bytes.h"
#include "datapath/packet/checksum.h"

namespace vlb::dp {
namespace {

constexpr size_t kIpv4MinHeader = 20;


constexpr FrameVerdict drop(DropReason r) { return {FrameKind::kDrop, r, 0}; }
constexpr FrameVerdict punt() { return {FrameKind::kPunt, DropReason::kNone, 0}; }

}  // namespace

FrameVerdict classifyFrame(const uint8_t* frame, size_t len, const MacAddr& port_mac) {
  if (len < kEthHeaderLen) return drop(DropReason::kRunt);
  const bool group_mac = frame[0] & 1;  // broadcast or multicast
  if (!group_mac && std::memcmp(frame, port_mac.bytes, 6) != 0) return drop(DropReason::kNotForUs);
  if (load16(frame + 12) != kEtherTypeIpv4) return punt();

  const uint8_t* ip = frame + kEthHeaderLen;
  const size_t ip_room = len - kEthHeaderLen;
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
    return punt();
  return {FrameKind::kIpv4, DropReason::kNone, dst};
}

void rewriteForwarded(uint8_t* frame, const MacAddr& src, const MacAddr& dst) {
  std::memcpy(frame, dst.bytes, 6);
  std::memcpy(frame + 6, src.bytes, 6);
  uint8_t* ip = frame + kEthHeaderLen;
  // TTL is the high byte of the 16-bit word at offset 8 (TTL, protocol).
  const uint16_t old_word = load16(ip + 8);
  ip[8] = uint8_t(ip[8] - 1);
  const uint16_t new_word = load16(ip + 8);
  store16(ip + 10, checksumAdjust(load16(ip + 10), old_word, new_word));
}

}  // namespace vlb::dp
