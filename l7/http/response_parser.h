// Incremental, zero-copy parser of an HTTP/1.1 response head from a real server. Same contract as
// RequestParser; refusals carry http_status 502 (what the proxy answers its client).
//
//   parser.reset(RequestKind::kHead);   // before each response: what it answers changes its
//   framing r = parser.parse(received);         // kDone: head().interim means a 1xx; parse the
//   next head
#pragma once

#include <string_view>

#include "l7/http/head.h"
#include "l7/http/head_core.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

// status-line = HTTP-version SP status-code SP [reason-phrase]. We also take a status line that
// ends right after the code (no SP), which servers send and which is unambiguous. `clean`: the
// line has no control byte but HTAB and no DEL (Line::clean).
HttpError parseStatusLine(std::string_view line, bool clean, uint8_t* minor, uint16_t* status,
                          size_t* reason_off);

class ResponseParser {
 public:
  explicit ResponseParser(const Limits& limits = {});

  ParseResult parse(std::string_view buf);
  const ResponseHead& head() const { return head_; }  // valid after kDone
  void reset(RequestKind req = RequestKind::kOther);

 private:
  enum class State : uint8_t { kStatusLine, kFields, kDone, kError };

  ParseResult fail(HttpError e);
  ParseResult finish(const char* base);
  void buildHead(const char* base);

  HeadCore core_;
  State state_ = State::kStatusLine;
  RequestKind req_ = RequestKind::kOther;
  Span version_, reason_;
  uint16_t status_ = 0;
  uint8_t minor_ = 1;
  Framing framing_;
  ParseResult result_;
  ResponseHead head_;
};

}  // namespace vlb::l7::http
