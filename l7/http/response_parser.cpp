#include "l7/http/response_parser.h"

#include "l7/http/chars.h"
#include "l7/http/framing.h"
#include "l7/http/request_line.h"

namespace vlb::l7::http {

namespace {
constexpr uint16_t kBadGateway = 502;
}

HttpError parseStatusLine(std::string_view line, bool clean, uint8_t* minor, uint16_t* status,
                          size_t* reason_off) {
  const size_t sp = chars::find(line, ' ');
  const std::string_view version = line.substr(0, sp);
  if (const HttpError e = parseVersion(version, minor); e != HttpError::kNone) return e;
  if (line.size() < sp + 4) return HttpError::kBadStatusLine;
  const std::string_view code = line.substr(sp + 1, 3);
  if (!chars::allOf(code, chars::kDigit)) return HttpError::kBadStatusLine;
  *status = uint16_t((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
  if (*status < 100 || *status > 599) return HttpError::kBadStatusLine;
  *reason_off = line.size();
  if (line.size() == sp + 4) return HttpError::kNone;
  if (line[sp + 4] != ' ') return HttpError::kBadStatusLine;
  *reason_off = sp + 5;
  if (clean) return HttpError::kNone;  // the reason is VCHAR, obs-text, SP and HTAB then
  for (size_t i = sp + 5; i < line.size(); ++i)
    if (!chars::is(line[i], chars::kFieldValue))
      return line[i] == '\r' ? HttpError::kBareCr : HttpError::kBadStatusLine;
  return HttpError::kNone;
}

ResponseParser::ResponseParser(const Limits& limits) : core_(limits) {}

void ResponseParser::reset(RequestKind req) {
  core_.reset();
  state_ = State::kStatusLine;
  req_ = req;
  version_ = reason_ = {};
  status_ = 0;
  minor_ = 1;
  framing_ = {};
  result_ = {};
  head_ = {};
}

ParseResult ResponseParser::fail(HttpError e) {
  state_ = State::kError;
  result_ = {ParseStatus::kError, e, kBadGateway, 0};
  return result_;
}

ParseResult ResponseParser::parse(std::string_view buf) {
  if (state_ == State::kDone) {
    buildHead(buf.data());
    return result_;
  }
  if (state_ == State::kError) return result_;
  HttpError e = HttpError::kNone;
  if (state_ == State::kStatusLine) {
    Line line;
    switch (
        core_.nextLine(buf, core_.limits().max_head_bytes, HttpError::kHeadTooLarge, &line, &e)) {
      case LineStatus::kNeedMore:
        return result_;
      case LineStatus::kError:
        return fail(e);
      case LineStatus::kLine:
        break;
    }
    size_t reason_off = 0;
    const std::string_view text(buf.data() + line.begin, line.end - line.begin);
    e = parseStatusLine(text, line.clean, &minor_, &status_, &reason_off);
    if (e != HttpError::kNone) return fail(e);
    version_ = {line.begin, 8};
    reason_ = {line.begin + uint32_t(reason_off), uint32_t(text.size() - reason_off)};
    state_ = State::kFields;
  }
  const LineStatus fields = core_.parseFields(buf, &e);
  if (fields == LineStatus::kNeedMore) return result_;
  return fields == LineStatus::kError ? fail(e) : finish(buf.data());
}

ParseResult ResponseParser::finish(const char* base) {
  const HttpError e = responseFraming(core_.facts(), minor_, status_, req_, &framing_);
  if (e != HttpError::kNone) return fail(e);
  state_ = State::kDone;
  result_ = {ParseStatus::kDone, HttpError::kNone, 0, core_.consumed()};
  buildHead(base);
  return result_;
}

void ResponseParser::buildHead(const char* base) {
  ResponseHead& h = head_;
  h.version = version_.in(base);
  h.minor_version = minor_;
  h.status = status_;
  h.reason = reason_.in(base);
  h.fields = core_.fields(base);
  h.framing = framing_;
  h.interim = status_ < 200 && status_ != 101;
  h.keep_alive = persistent(core_.facts(), minor_) && framing_.kind != BodyKind::kUntilClose &&
                 framing_.kind != BodyKind::kTunnel;
}

}  // namespace vlb::l7::http
