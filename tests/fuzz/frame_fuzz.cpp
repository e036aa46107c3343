// libFuzzer target: any bytes as a frame received on a port. classifyFrame must never read out of
// bounds, and a frame it accepts for routing (untagged or 802.1Q-tagged) must keep a valid header
// checksum after the rewrite, leaving untagged, on its own VLAN or on another (push, rewrite, pop).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "datapath/packet/checksum.h"
#include "datapath/packet/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vlb::dp;
  const MacAddr port_mac{{0x02, 0, 0, 0, 0, 0x01}};
  // An exact-size copy after kVlanTagLen bytes of headroom (a pushed tag goes there), so that
  // AddressSanitizer sees any read past the end.
  std::vector<uint8_t> buffer(kVlanTagLen + size);
  if (size != 0) std::memcpy(buffer.data() + kVlanTagLen, data, size);
  uint8_t* const frame = buffer.data() + kVlanTagLen;
  const FrameVerdict v = classifyFrame(frame, size, port_mac);
  if (v.kind == FrameKind::kDrop && (v.drop == DropReason::kNone || v.drop == DropReason::kCount))
    std::abort();
  if (v.kind != FrameKind::kIpv4 || ipv4Ttl(frame, v.l3_offset) <= 1) return 0;
  if (v.l3_offset != l3OffsetOf(frame)) std::abort();
  // The way out, chosen by the input: untagged, the frame's own VLAN, or another one.
  const uint16_t out_vlan = size % 3 == 0 ? 0 : size % 3 == 1 ? v.vlan : uint16_t(v.vlan % 4094 + 1);
  const uint8_t* start =
      rewriteForwardedVlan(frame, v.l3_offset, out_vlan, port_mac, MacAddr{{0x02, 0, 0, 0, 0, 0x02}});
  const size_t l3 = out_vlan != 0 ? kTaggedHeaderLen : kEthHeaderLen;
  if (!checksumValid(start + l3, 20)) std::abort();
  return 0;
}
