// libFuzzer target: any bytes as a frame received on a port. classifyFrame must never read out of
// bounds, and a frame it accepts for routing must keep a valid header checksum after the rewrite.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "datapath/packet/checksum.h"
#include "datapath/packet/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vlb::dp;
  const MacAddr port_mac{{0x02, 0, 0, 0, 0, 0x01}};
  // An exact-size copy, so that AddressSanitizer sees any read past the end.
  std::vector<uint8_t> frame(data, data + size);
  const FrameVerdict v = classifyFrame(frame.data(), frame.size(), port_mac);
  if (v.kind == FrameKind::kDrop && (v.drop == DropReason::kNone || v.drop == DropReason::kCount))
    std::abort();
  if (v.kind == FrameKind::kIpv4 && ipv4Ttl(frame.data()) > 1) {
    rewriteForwarded(frame.data(), port_mac, MacAddr{{0x02, 0, 0, 0, 0, 0x02}});
    if (!checksumValid(frame.data() + kEthHeaderLen, 20)) std::abort();
  }
  return 0;
}
