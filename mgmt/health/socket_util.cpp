// Socket helpers for the probes; nothing here blocks.
#include "mgmt/health/socket_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace vlb::health {

Reason reasonFromErrno(int err) {
  switch (err) {
    case ECONNREFUSED:
      return Reason::kRefused;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case ENONET:
      return Reason::kUnreachable;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      return Reason::kReset;
    case ETIMEDOUT:
      return Reason::kTimeout;
    default:
      return Reason::kLocalError;
  }
}

int openTcpSocket(uint32_t source, Reason& why) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    why = Reason::kLocalError;
    return -1;
  }
  if (source != 0) {
    const int one = 1;
    // Let connect pick the port with the full 4-tuple, so many checks from one address scale.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(source);
    if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      why = Reason::kLocalError;
      close(fd);
      return -1;
    }
  }
  return fd;
}

std::optional<Reason> startConnect(int fd, uint32_t address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(address);
  sa.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 || errno == EINPROGRESS)
    return std::nullopt;
  return reasonFromErrno(errno);
}

int socketError(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

int connectError(int fd, uint32_t events) {
  if ((events & EPOLLOUT) && !(events & (EPOLLERR | EPOLLHUP))) return 0;
  const int err = socketError(fd);
  return err != 0 ? err : ECONNRESET;  // hung up without a recorded error
}

void closeWithReset(int& fd) {
  if (fd < 0) return;
  const linger abort_on_close{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  closeFd(fd);
}

void closeFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace vlb::health
