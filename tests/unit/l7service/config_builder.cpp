// Builders for the l7service tests.
#include "config_builder.h"

#include <arpa/inet.h>
#include <strings.h>

#include <cstring>
#include <stdexcept>

namespace vlb::mgmt::l7::test {

config::IpAddress ip(const std::string& text) {
  auto r = config::parseIpAddress(text);
  if (!r) throw std::runtime_error(r.error());
  return *r;
}

config::L7Real real(const std::string& address, uint16_t port) {
  config::L7Real r;
  r.address = ip(address);
  r.port = port;
  return r;
}

config::L7Pool pool(const std::string& name, std::vector<config::L7Real> reals) {
  config::L7Pool p;
  p.name = name;
  p.reals = std::move(reals);
  return p;
}

config::RuleAction toPool(const std::string& name) {
  config::RuleAction a;
  a.kind = config::RuleAction::Kind::kPool;
  a.pool = name;
  return a;
}

config::L7Service service(const std::string& name, config::L7Protocol protocol, uint16_t port) {
  config::L7Service s;
  s.name = name;
  s.address = ip("127.0.0.1");
  s.protocol = protocol;
  s.port = port;
  return s;
}

Request::Request(std::string raw, const std::string& client, bool tls) : raw_(std::move(raw)) {
  const auto r = parser_.parse(raw_);
  if (r.status != ::vlb::l7::http::ParseStatus::kDone) throw std::runtime_error("bad test request");
  auto* sin = reinterpret_cast<sockaddr_in*>(&client_);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(40000);
  inet_pton(AF_INET, client.c_str(), &sin->sin_addr);
  const auto& h = parser_.head();
  info_.service = "test";
  info_.method = h.method;
  info_.target = h.target;
  info_.path = h.path;
  info_.query = h.query;
  info_.authority = h.authority;
  info_.fields = &h.fields;
  info_.client = &client_;
  info_.tls = tls;
}

std::string get(const std::string& host, const std::string& target, const std::string& extra) {
  return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

std::string endpointText(const ::vlb::l7::proxy::Endpoint& e) {
  const auto* sin = reinterpret_cast<const sockaddr_in*>(&e.address);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(sin->sin_port));
}

std::string headerValue(const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& name) {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

}  // namespace vlb::mgmt::l7::test
