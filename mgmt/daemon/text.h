// How the control API writes addresses.
#pragma once

#include <arpa/inet.h>

#include <cstdio>
#include <string>

#include "datapath/packet/frame.h"

namespace vlb::mgmt {

inline std::string ipv4Text(uint32_t host_order) {
  const uint32_t net = htonl(host_order);
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &net, buf, sizeof buf);
  return buf;
}

inline std::string macText(const dp::MacAddr& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m.bytes[0], m.bytes[1],
                m.bytes[2], m.bytes[3], m.bytes[4], m.bytes[5]);
  return buf;
}

}  // namespace vlb::mgmt
