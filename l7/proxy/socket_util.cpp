// Address parsing and socket set-up for the proxy.
#include "l7/proxy/socket_util.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vlb::l7::proxy {

Result<sockaddr_storage> parseAddress(const std::string& what, const std::string& address,
                                      uint16_t port) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return ss;
  }
  if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return ss;
  }
  return fail(what + ": address '" + address + "' is not an IPv4 or IPv6 literal");
}

socklen_t addressLength(const sockaddr_storage& a) {
  return a.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

uint16_t addressPort(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
}

Result<int> openListener(const std::string& what, const sockaddr_storage& at, int backlog) {
  const int fd = ::socket(at.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(what + ": socket: " + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (at.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), addressLength(at)) != 0 ||
      ::listen(fd, backlog) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(what + ": cannot listen on port " + std::to_string(addressPort(at)) + ": " +
                std::strerror(e));
  }
  return fd;
}

int startConnect(const sockaddr_storage& to, const sockaddr_storage* transparent_from) {
  const int fd = ::socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (transparent_from) {
    sockaddr_storage from = *transparent_from;
    if (from.ss_family == AF_INET6)
      reinterpret_cast<sockaddr_in6&>(from).sin6_port = 0;
    else
      reinterpret_cast<sockaddr_in&>(from).sin_port = 0;
    const int level = from.ss_family == AF_INET6 ? SOL_IPV6 : SOL_IP;
    const int opt = from.ss_family == AF_INET6 ? IPV6_TRANSPARENT : IP_TRANSPARENT;
    if (setsockopt(fd, level, opt, &one, sizeof one) != 0 ||
        ::bind(fd, reinterpret_cast<const sockaddr*>(&from), addressLength(from)) != 0) {
      const int e = errno;
      ::close(fd);
      return -e;
    }
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), addressLength(to)) != 0 &&
      errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  return fd;
}

int socketError(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

ssize_t recvDirect(int fd, void* buf, size_t len, int flags) {
  return ::syscall(SYS_recvfrom, fd, buf, len, flags, nullptr, nullptr);
}

ssize_t sendDirect(int fd, const void* buf, size_t len, int flags) {
  return ::syscall(SYS_sendto, fd, buf, len, flags, nullptr, 0);
}

int epollWaitDirect(int epfd, epoll_event* events, int max_events, int timeout_ms) {
  return int(::syscall(SYS_epoll_wait, epfd, events, max_events, timeout_ms));
}

}  // namespace vlb::l7::proxy
