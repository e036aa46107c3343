// A redirect target with variables, compiled once: "https://{host}{uri}".
//
// Variables: {scheme} "http"/"https" as the client spoke; {host} the host without port;
// {hostport} the authority as received (with its port, if any); {uri} path and "?query";
// {path} the path as received; {query} the query without "?". "{{" and "}}" are literal braces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "l7/http/head.h"
#include "mgmt/common/result.h"

namespace vlb::l7::rules {

class RedirectTemplate {
 public:
  // Errors name the unknown variable or the misplaced brace and its offset.
  static Result<RedirectTemplate> compile(std::string_view text);

  // Appends the Location value for `head` to `out`. Values come from a parsed request head, so
  // they hold no CR, LF or other control characters.
  void render(const http::RequestHead& head, std::string_view scheme, std::string& out) const;

  const std::string& text() const { return text_; }

 private:
  enum class Part : uint8_t { kLiteral, kScheme, kHost, kHostPort, kUri, kPath, kQuery };
  struct Piece {
    Part part = Part::kLiteral;
    std::string literal;
  };
  std::vector<Piece> pieces_;
  std::string text_;
};

}  // namespace vlb::l7::rules
