// Socket helpers for the proxy: address parsing, SO_REUSEPORT listeners, non-blocking connects.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "mgmt/common/result.h"

namespace vlb::l7::proxy {

// An IPv4 or IPv6 literal and a port; the error names `what` and the value.
Result<sockaddr_storage> parseAddress(const std::string& what, const std::string& address,
                                      uint16_t port);
socklen_t addressLength(const sockaddr_storage& a);
uint16_t addressPort(const sockaddr_storage& a);

// A non-blocking listening socket with SO_REUSEADDR and SO_REUSEPORT bound to `at`.
Result<int> openListener(const std::string& what, const sockaddr_storage& at, int backlog);

// Starts a non-blocking connect to `to`; with `transparent_from`, binds to that (client) address
// first with IP_TRANSPARENT. Returns the fd, or -errno.
int startConnect(const sockaddr_storage& to, const sockaddr_storage* transparent_from);

// The pending error of a connecting socket (0 when connected).
int socketError(int fd);

}  // namespace vlb::l7::proxy
