// Client addresses: conversion, masking, hashing.
#include "l7/balance/client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace vlb::l7::balance {

namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

ClientAddress fromV6Bytes(const uint8_t* b) {
  ClientAddress a;
  if (std::memcmp(b, kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0) {
    std::memcpy(a.bytes.data(), b + 12, 4);
    return a;
  }
  a.v6 = true;
  std::memcpy(a.bytes.data(), b, 16);
  return a;
}

}  // namespace

std::optional<ClientAddress> ClientAddress::fromSockaddr(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, sa, sizeof in);
    ClientAddress a;
    std::memcpy(a.bytes.data(), &in.sin_addr, 4);
    return a;
  }
  if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, sa, sizeof in6);
    return fromV6Bytes(reinterpret_cast<const uint8_t*>(&in6.sin6_addr));
  }
  return std::nullopt;
}

std::optional<ClientAddress> ClientAddress::parse(std::string_view text) {
  const std::string s(text);
  ClientAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  std::array<uint8_t, 16> b{};
  if (inet_pton(AF_INET6, s.c_str(), b.data()) == 1) return fromV6Bytes(b.data());
  return std::nullopt;
}

ClientAddress ClientAddress::masked(uint8_t v4_prefix, uint8_t v6_prefix) const {
  const unsigned prefix =
      v6 ? std::min<unsigned>(v6_prefix, 128) : std::min<unsigned>(v4_prefix, 32);
  ClientAddress out = *this;
  for (unsigned byte = 0; byte < 16; ++byte) {
    const unsigned first_bit = byte * 8;
    if (first_bit >= prefix)
      out.bytes[byte] = 0;
    else if (prefix - first_bit < 8)
      out.bytes[byte] &= uint8_t(0xff << (8 - (prefix - first_bit)));
  }
  return out;
}

std::string ClientAddress::toString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

size_t ClientAddressHash::operator()(const ClientAddress& a) const {
  uint64_t hi, lo;
  std::memcpy(&hi, a.bytes.data(), 8);
  std::memcpy(&lo, a.bytes.data() + 8, 8);
  // splitmix64-style finaliser over both halves: spreads neighbouring addresses.
  uint64_t x = hi ^ (lo * 0x9e3779b97f4a7c15ull) ^ (a.v6 ? 0x5bd1e995ull : 0);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return size_t(x);
}

}  // namespace vlb::l7::balance
