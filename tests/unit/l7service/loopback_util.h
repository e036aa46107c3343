// Loopback sockets for the l7service tests: a listener on a kernel-picked port, a client with a
// bounded receive timeout, reading until a marker or the close, and one-shot GETs.
#pragma once

#include <cstdint>
#include <string>

namespace vlb::mgmt::l7::test {

int listenLoopback(uint16_t* port);  // -1 on failure
int connectLoopback(uint16_t port);  // -1 on failure; reads time out after 10 s
// Reads until the peer closes or the buffer holds `until` (bounded by the receive timeout).
std::string readUntil(int fd, const std::string& until);
// GET `path` with Connection: close; the whole answer.
std::string fetch(uint16_t port, const std::string& path);

}  // namespace vlb::mgmt::l7::test
