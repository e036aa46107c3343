// What a port's devargs string says about its device, without DPDK.
#pragma once

#include <string>

namespace vlb::dp {

// The ethdev name EAL gives the device of `devargs`: "net_af_packet0,iface=x" → "net_af_packet0".
inline std::string deviceName(const std::string& devargs) { return devargs.substr(0, devargs.find(',')); }

// True when `devargs` names a virtual device (passed to EAL with --vdev rather than -a).
inline bool isVirtualDevice(const std::string& devargs) { return devargs.rfind("net_", 0) == 0; }

}  // namespace vlb::dp
