// Socket helpers for the proxy: address parsing, SO_REUSEPORT listeners, non-blocking connects.
#pragma once

#include <netinet/in.h>
#include <sys/epoll.h>
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

// recv(2), send(2) and epoll_wait(2) without glibc's cancellation-point wrappers: in a process of
// several threads each wrapped call switches the thread to asynchronous cancellation and back, a
// locked compare-and-swap each way, and no thread of ours is ever cancelled. -1 and errno as
// the wrapped calls.
ssize_t recvDirect(int fd, void* buf, size_t len, int flags);
ssize_t sendDirect(int fd, const void* buf, size_t len, int flags);
int epollWaitDirect(int epfd, epoll_event* events, int max_events, int timeout_ms);

}  // namespace vlb::l7::proxy
