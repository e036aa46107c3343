// Builds Ethernet/IPv4 frames for unit tests, fluently: Ipv4Frame().dst("192.0.2.11").ttl(1).build()
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "datapath/packet/checksum.h"
#include "datapath/packet/frame.h"

namespace vlb::test {

inline dp::MacAddr mac(uint8_t last) { return dp::MacAddr{{0x02, 0, 0, 0, 0, last}}; }

inline uint32_t ipv4(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return ntohl(a.s_addr);
}

class Ipv4Frame {
 public:
  Ipv4Frame& dstMac(const dp::MacAddr& m) { dst_mac_ = m; return *this; }
  Ipv4Frame& src(const char* a) { src_ = ipv4(a); return *this; }
  Ipv4Frame& dst(const char* a) { dst_ = ipv4(a); return *this; }
  Ipv4Frame& ttl(uint8_t t) { ttl_ = t; return *this; }
  Ipv4Frame& payload(size_t n) { payload_ = n; return *this; }
  Ipv4Frame& options(size_t words) { option_words_ = words; return *this; }
  // An 802.1Q tag (TPID 0x8100) with this VLAN id and priority.
  Ipv4Frame& vlan(uint16_t id, uint8_t priority = 0) {
    tag_ = uint16_t(priority << 13 | (id & 0x0fff));
    tagged_ = true;
    return *this;
  }

  std::vector<uint8_t> build() const {
    const size_t ihl = 5 + option_words_;
    std::vector<uint8_t> f(dp::kEthHeaderLen + ihl * 4 + payload_, 0);
    std::memcpy(f.data(), dst_mac_.bytes, 6);
    std::memcpy(f.data() + 6, mac(0x99).bytes, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t* ip = f.data() + dp::kEthHeaderLen;
    ip[0] = uint8_t(0x40 | ihl);
    const uint16_t total = uint16_t(ihl * 4 + payload_);
    ip[2] = uint8_t(total >> 8);
    ip[3] = uint8_t(total);
    ip[8] = ttl_;
    ip[9] = 17;
    for (int i = 0; i < 4; ++i) {
      ip[12 + i] = uint8_t(src_ >> (24 - 8 * i));
      ip[16 + i] = uint8_t(dst_ >> (24 - 8 * i));
    }
    const uint16_t sum = dp::internetChecksum(ip, ihl * 4);
    ip[10] = uint8_t(sum >> 8);
    ip[11] = uint8_t(sum);
    if (tagged_) {
      const uint8_t tag[4] = {0x81, 0x00, uint8_t(tag_ >> 8), uint8_t(tag_)};
      f.insert(f.begin() + 12, tag, tag + 4);
    }
    return f;
  }

 private:
  dp::MacAddr dst_mac_ = mac(1);
  uint32_t src_ = ipv4("198.51.100.10");
  uint32_t dst_ = ipv4("192.0.2.11");
  uint8_t ttl_ = 64;
  size_t payload_ = 26;
  size_t option_words_ = 0;
  bool tagged_ = false;
  uint16_t tag_ = 0;
};

}  // namespace vlb::test
