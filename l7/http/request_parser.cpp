#include "l7/http/request_parser.h"

#include "l7/http/framing.h"

namespace vlb::l7::http {

RequestParser::RequestParser(const Limits& limits) : core_(limits) {}

void RequestParser::reset() {
  core_.reset();
  state_ = State::kRequestLine;
  line_ = {};
  framing_ = {};
  result_ = {};
  head_ = {};
}

ParseResult RequestParser::fail(HttpError e) {
  state_ = State::kError;
  result_ = {ParseStatus::kError, e, errorStatus(e), 0};
  return result_;
}

ParseResult RequestParser::parse(std::string_view buf) {
  if (state_ == State::kDone) {
    buildHead(buf.data());  // the caller may have moved the buffer
    return result_;
  }
  if (state_ == State::kError) return result_;
  const Limits& lim = core_.limits();
  HttpError e = HttpError::kNone;
  while (state_ == State::kRequestLine) {
    size_t limit_end = lim.max_head_bytes;
    HttpError too_long = HttpError::kHeadTooLarge;
    if (size_t(core_.consumed()) + lim.max_request_line < limit_end) {
      limit_end = size_t(core_.consumed()) + lim.max_request_line;
      too_long = HttpError::kRequestLineTooLong;
    }
    Line line;
    switch (core_.nextLine(buf, limit_end, too_long, &line, &e)) {
      case LineStatus::kNeedMore:
        return result_;
      case LineStatus::kError:
        return fail(e);
      case LineStatus::kLine:
        break;
    }
    // RFC 9112 section 2.2: empty lines before the request-line are ignored.
    if (line.empty()) continue;
    e = parseRequestLine(buf.data(), line.begin, line.end, line.clean, &line_);
    if (e != HttpError::kNone) return fail(e);
    state_ = State::kFields;
  }
  const LineStatus fields = core_.parseFields(buf, &e);
  if (fields == LineStatus::kNeedMore) return result_;
  return fields == LineStatus::kError ? fail(e) : finish(buf.data());
}

ParseResult RequestParser::finish(const char* base) {
  const FieldFacts& f = core_.facts();
  // RFC 9112 section 3.2: exactly one Host in HTTP/1.1; we refuse two in HTTP/1.0 as well.
  if (f.host_count > 1) return fail(HttpError::kDuplicateHost);
  if (f.host_count == 0 && line_.minor_version == 1) return fail(HttpError::kMissingHost);
  const HttpError e = requestFraming(f, line_.minor_version, line_.connect,
                                     core_.limits().max_body_bytes, &framing_);
  if (e != HttpError::kNone) return fail(e);
  state_ = State::kDone;
  result_ = {ParseStatus::kDone, HttpError::kNone, 0, core_.consumed()};
  buildHead(base);
  return result_;
}

void RequestParser::buildHead(const char* base) {
  const FieldFacts& f = core_.facts();
  RequestHead& h = head_;
  h.method = line_.method.in(base);
  h.target = line_.target.in(base);
  h.version = line_.version.in(base);
  h.minor_version = line_.minor_version;
  h.form = line_.form;
  h.path = line_.path.in(base);
  h.query = line_.query.in(base);
  h.host = f.host_count != 0 ? f.host.in(base) : std::string_view();
  // Absolute-form and CONNECT name the authority themselves and win over Host (RFC 9112 3.2.2).
  const bool own = line_.form == TargetForm::kAbsolute || line_.form == TargetForm::kAuthority;
  h.authority = own ? line_.authority.in(base) : h.host;
  h.fields = core_.fields(base);
  h.framing = framing_;
  h.keep_alive = persistent(f, line_.minor_version);
  // Expect and Upgrade are ignored in HTTP/1.0 (RFC 9110 sections 10.1.1 and 7.8).
  const bool http11 = line_.minor_version == 1;
  h.expect_continue = http11 && f.expect_continue;
  h.upgrade = http11 && f.has_upgrade && f.connection_upgrade;
  h.websocket = h.upgrade && line_.get && f.upgrade_websocket;
}

}  // namespace vlb::l7::http
