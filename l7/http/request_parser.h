// Incremental, zero-copy parser of an HTTP/1.1 request head (RFC 9110, RFC 9112).
//
//   RequestParser parser(limits);             // one per connection; allocates its field array once
//   ParseResult r = parser.parse(received);   // all bytes of this message so far, from its first
//   byte kNeedMore -> receive more, call again with the longer buffer (it may have moved; the bytes
//                already given must not change); each byte is examined once over all calls
//   kDone     -> parser.head() holds views into the buffer of the last call; the body starts at
//                r.head_len (BodyReader with head().framing); then reset() for the next request
//   kError    -> answer r.http_status and close
#pragma once

#include <string_view>

#include "l7/http/head.h"
#include "l7/http/head_core.h"
#include "l7/http/request_line.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

class RequestParser {
 public:
  explicit RequestParser(const Limits& limits = {});

  ParseResult parse(std::string_view buf);
  const RequestHead& head() const { return head_; }  // valid after kDone
  void reset();
  const Limits& limits() const { return core_.limits(); }

 private:
  enum class State : uint8_t { kRequestLine, kFields, kDone, kError };

  ParseResult fail(HttpError e);
  ParseResult finish(const char* base);
  void buildHead(const char* base);

  HeadCore core_;
  State state_ = State::kRequestLine;
  RequestLine line_;
  Framing framing_;
  ParseResult result_;
  RequestHead head_;
};

}  // namespace vlb::l7::http
