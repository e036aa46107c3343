// Route netlink helpers shared by the files of mgmt/twin (not part of its interface).
#pragma once

#include <netlink/netlink.h>

#include <string>

#include "mgmt/common/result.h"
#include "mgmt/config/config.h"

namespace vlb::mgmt::twin_netlink {

// A route netlink socket for one configuration step.
class NlSocket {
 public:
  NlSocket() : sock_(nl_socket_alloc()) {
    if (sock_ && nl_connect(sock_, NETLINK_ROUTE) != 0) {
      nl_socket_free(sock_);
      sock_ = nullptr;
    }
  }
  ~NlSocket() {
    if (sock_) nl_socket_free(sock_);
  }
  nl_sock* get() const { return sock_; }

 private:
  nl_sock* sock_;
};

std::string nlError(int rc);
// An address on interface `ifindex` (named `twin` in messages), replacing an equal one.
Status addTwinAddress(nl_sock* sock, const std::string& twin, int ifindex, const config::IpPrefix& p);
Status removeTwinAddress(nl_sock* sock, const std::string& twin, int ifindex,
                         const config::IpPrefix& p);

}  // namespace vlb::mgmt::twin_netlink
