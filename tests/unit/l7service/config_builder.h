// Small builders of config::L7Service values and parsed requests for the l7service tests.
#pragma once

#include <netinet/in.h>

#include <memory>
#include <string>

#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"
#include "l7/proxy/director.h"
#include "mgmt/config/config.h"

namespace vlb::mgmt::l7::test {

config::IpAddress ip(const std::string& text);
config::L7Real real(const std::string& address, uint16_t port = 0);
config::L7Pool pool(const std::string& name, std::vector<config::L7Real> reals);
config::RuleAction toPool(const std::string& name);
config::L7Service service(const std::string& name, config::L7Protocol protocol, uint16_t port);

// A request parsed from raw text, and the RequestInfo the engine would hand to route().
class Request {
 public:
  Request(std::string raw, const std::string& client = "198.51.100.10", bool tls = true);
  const ::vlb::l7::proxy::RequestInfo& info() const { return info_; }

 private:
  std::string raw_;
  ::vlb::l7::http::RequestParser parser_;
  sockaddr_storage client_{};
  ::vlb::l7::proxy::RequestInfo info_;
};

// "GET <target> HTTP/1.1\r\nHost: <host>\r\n<extra>\r\n"
std::string get(const std::string& host, const std::string& target, const std::string& extra = "");

// "address:port" of an endpoint.
std::string endpointText(const ::vlb::l7::proxy::Endpoint& e);

// The value of a header in a list, "" when absent.
std::string headerValue(const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& name);

}  // namespace vlb::mgmt::l7::test
