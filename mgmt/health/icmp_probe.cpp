// The icmp check: one echo request, passed by the matching echo reply. Uses an ICMP datagram
// socket when net.ipv4.ping_group_range allows it, else a raw socket (needs CAP_NET_RAW).
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "mgmt/health/probes.h"
#include "mgmt/health/socket_util.h"

namespace vlb::health {
namespace {

constexpr char kMagic[] = "vlb-health-echo";  // payload, so a stray reply is not taken for ours

uint16_t internetChecksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
  if (n & 1) sum += uint32_t(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

class IcmpProbe final : public Probe {
 public:
  IcmpProbe(uint32_t source, const ProbeTarget& target) : source_(source), target_(target) {}

  std::optional<Outcome> start() override {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    raw_ = fd_ < 0;
    if (raw_) fd_ = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd_ < 0) return Outcome{Reason::kLocalError};
    if (raw_) {
      icmp_filter filter{};
      filter.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH));
      setsockopt(fd_, SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    if (source_ != 0) {
      sa.sin_addr.s_addr = htonl(source_);
      if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
        return Outcome{Reason::kLocalError};
    }
    uint8_t packet[8 + sizeof kMagic]{};
    packet[0] = ICMP_ECHO;
    packet[4] = uint8_t(target_.echo_id >> 8);
    packet[5] = uint8_t(target_.echo_id);
    packet[7] = 1;  // sequence 1
    std::memcpy(packet + 8, kMagic, sizeof kMagic);
    const uint16_t sum = internetChecksum(packet, sizeof packet);
    packet[2] = uint8_t(sum >> 8);
    packet[3] = uint8_t(sum);
    sa.sin_addr.s_addr = htonl(target_.address);
    if (sendto(fd_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
      return Outcome{reasonFromErrno(errno)};
    want_ = EPOLLIN;
    return std::nullopt;
  }

  std::optional<Outcome> onReady(uint32_t) override {
    for (int i = 0; i < 16; ++i) {  // a few stray packets per wake-up at most
      uint8_t buf[1500];
      sockaddr_in from{};
      socklen_t from_len = sizeof from;
      const ssize_t n =
          recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::nullopt;
        return Outcome{reasonFromErrno(errno)};
      }
      if (auto outcome = match(buf, size_t(n), ntohl(from.sin_addr.s_addr))) return outcome;
    }
    return std::nullopt;
  }

 private:
  // The ICMP message in `buf` (after the IP header on raw sockets) as an answer to our echo.
  std::optional<Outcome> match(const uint8_t* buf, size_t n, uint32_t from) const {
    if (raw_) {
      if (n < 20) return std::nullopt;
      const size_t ihl = size_t(buf[0] & 15) * 4;
      if (ihl < 20 || n < ihl + 8) return std::nullopt;
      buf += ihl;
      n -= ihl;
    }
    if (n < 8) return std::nullopt;
    if (buf[0] == ICMP_ECHOREPLY && from == target_.address && buf[7] == 1 &&
        n >= 8 + sizeof kMagic && std::memcmp(buf + 8, kMagic, sizeof kMagic) == 0) {
      // A datagram socket's kernel matched the id already; a raw socket sees every reply.
      if (!raw_ || (buf[4] == uint8_t(target_.echo_id >> 8) && buf[5] == uint8_t(target_.echo_id)))
        return Outcome{Reason::kOk};
    }
    if (raw_ && buf[0] == ICMP_DEST_UNREACH && n >= 8 + 20 + 8) {
      const uint8_t* inner = buf + 8;  // the IP header of our request, then its first 8 bytes
      const size_t inner_ihl = size_t(inner[0] & 15) * 4;
      if (n >= 8 + inner_ihl + 8) {
        const uint8_t* echo = inner + inner_ihl;
        uint32_t dst = uint32_t(inner[16]) << 24 | uint32_t(inner[17]) << 16 |
                       uint32_t(inner[18]) << 8 | inner[19];
        if (echo[0] == ICMP_ECHO && dst == target_.address &&
            echo[4] == uint8_t(target_.echo_id >> 8) && echo[5] == uint8_t(target_.echo_id))
          return Outcome{Reason::kUnreachable};
      }
    }
    return std::nullopt;
  }

  uint32_t source_;
  ProbeTarget target_;
  bool raw_ = false;
};

}  // namespace

std::unique_ptr<Probe> makeIcmpProbe(const CheckSpec& spec, const ProbeTarget& target) {
  return std::make_unique<IcmpProbe>(spec.source, target);
}

}  // namespace vlb::health
