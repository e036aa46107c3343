#include "l7/http/chunked.h"

#include <algorithm>
#include <iterator>

#include "l7/http/chars.h"

namespace vlb::l7::http {
namespace {

using chars::isOws;

bool isToken(char c) { return chars::is(c, chars::kToken); }

// Fields that must not be trailers (RFC 9110 section 6.5.1): framing, routing, connection handling,
// request modifiers, authentication, content metadata, response control.
// clang-format off
constexpr std::string_view kForbidden[] = {
    "content-length", "transfer-encoding", "trailer", "te", "host", "connection", "keep-alive",
    "proxy-connection", "upgrade", "expect", "max-forwards", "range", "if-match", "if-none-match",
    "if-modified-since", "if-unmodified-since", "if-range", "cache-control", "pragma",
    "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate", "cookie",
    "set-cookie", "content-type", "content-encoding", "content-range", "age", "expires", "date",
    "location", "vary",
};
// clang-format on

}  // namespace

ChunkedDecoder::ChunkedDecoder(const Limits& limits)
    : max_body_(limits.max_body_bytes),
      max_line_(limits.max_chunk_line),
      max_trailer_(limits.max_trailer_bytes) {}

void ChunkedDecoder::reset() {
  state_ = State::kSizeStart;
  error_ = HttpError::kNone;
  size_ = remaining_ = total_ = 0;
  line_len_ = trailer_len_ = 0;
  digits_ = name_len_ = 0;
}

BodyStep ChunkedDecoder::next(std::string_view in) {
  if (state_ == State::kDone) return {ParseStatus::kDone, HttpError::kNone, 0, {}};
  if (state_ == State::kError) return {ParseStatus::kError, error_, 0, {}};
  size_t i = 0;
  while (i < in.size()) {
    if (state_ == State::kData) {
      const auto n = size_t(std::min<uint64_t>(remaining_, in.size() - i));
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDataCr;
      return {ParseStatus::kNeedMore, HttpError::kNone, i + n, in.substr(i, n)};
    }
    const HttpError e = consume(in[i++]);
    if (e != HttpError::kNone) {
      state_ = State::kError;
      error_ = e;
      return {ParseStatus::kError, e, i, {}};
    }
    if (state_ == State::kDone) return {ParseStatus::kDone, HttpError::kNone, i, {}};
  }
  return {ParseStatus::kNeedMore, HttpError::kNone, i, {}};
}

HttpError ChunkedDecoder::consume(char c) {
  switch (state_) {
    case State::kDataCr:
      if (c != '\r') return HttpError::kBadChunkEnd;
      state_ = State::kDataLf;
      return HttpError::kNone;
    case State::kDataLf:
      if (c != '\n') return HttpError::kBadChunkEnd;
      state_ = State::kSizeStart;
      line_len_ = 0;
      return HttpError::kNone;
    case State::kTrailerStart:
    case State::kTrailerName:
    case State::kTrailerValue:
    case State::kTrailerLf:
    case State::kEndLf:
      if (++trailer_len_ > max_trailer_) return HttpError::kTrailerTooLarge;
      return trailer(c);
    default:
      if (++line_len_ > max_line_) return HttpError::kChunkLineTooLong;
      return sizeLine(c);
  }
}

// chunk = chunk-size [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG, at most 16 digits so that it fits.
HttpError ChunkedDecoder::sizeLine(char c) {
  switch (state_) {
    case State::kSizeStart:
      if (!chars::is(c, chars::kHex)) return HttpError::kBadChunkSize;  // sign, space, CRLF
      size_ = chars::hexValue(c);
      digits_ = 1;
      state_ = State::kSize;
      return HttpError::kNone;
    case State::kSize:
      if (chars::is(c, chars::kHex)) {
        if (digits_ == 16) return HttpError::kChunkSizeOverflow;
        size_ = size_ << 4 | chars::hexValue(c);
        ++digits_;
        return HttpError::kNone;
      }
      if (size_ > max_body_ - total_) return HttpError::kBodyTooLarge;
      total_ += size_;
      return afterSize(c);
    case State::kSizeLf:
      if (c != '\n') return HttpError::kBareCr;
      remaining_ = size_;
      state_ = size_ == 0 ? State::kTrailerStart : State::kData;
      trailer_len_ = 0;
      return HttpError::kNone;
    default:
      return extension(c);
  }
}

HttpError ChunkedDecoder::afterSize(char c) {
  if (c == '\r')
    state_ = State::kSizeLf;
  else if (c == ';')
    state_ = State::kExtNameWs;
  else if (isOws(c))
    state_ = State::kExtWs;  // BWS, which must lead to ';'
  else
    return c == '\n' ? HttpError::kBareLf : HttpError::kBadChunkSize;  // 0x5, 5.0, garbage
  return HttpError::kNone;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
HttpError ChunkedDecoder::extension(char c) {
  const HttpError bad = HttpError::kBadChunkExtension;
  switch (state_) {
    case State::kExtWs:
      if (c == ';')
        state_ = State::kExtNameWs;
      else if (!isOws(c))
        return bad;
      return HttpError::kNone;
    case State::kExtNameWs:
      if (isToken(c))
        state_ = State::kExtName;
      else if (!isOws(c))
        return bad;
      return HttpError::kNone;
    case State::kExtName:
    case State::kExtNameEnd:
      if (c == '=')
        state_ = State::kExtValueWs;
      else if (c == ';')
        state_ = State::kExtNameWs;
      else if (isOws(c))
        state_ = State::kExtNameEnd;
      else if (c == '\r' && state_ == State::kExtName)
        state_ = State::kSizeLf;
      else if (!isToken(c) || state_ == State::kExtNameEnd)
        return bad;
      return HttpError::kNone;
    case State::kExtValueWs:
      if (isToken(c))
        state_ = State::kExtToken;
      else if (c == '"')
        state_ = State::kExtQuoted;
      else if (!isOws(c))
        return bad;
      return HttpError::kNone;
    case State::kExtQuoted:
      if (c == '"')
        state_ = State::kExtQuotedEnd;
      else if (c == '\\')
        state_ = State::kExtQuotedPair;
      else if (!chars::is(c, chars::kQdtext))
        return bad;
      return HttpError::kNone;
    case State::kExtQuotedPair:
      if (!chars::is(c, chars::kVchar) && !isOws(c)) return bad;
      state_ = State::kExtQuoted;
      return HttpError::kNone;
    case State::kExtToken:
      if (isToken(c)) return HttpError::kNone;
      [[fallthrough]];
    case State::kExtQuotedEnd:
      if (c == '\r')
        state_ = State::kSizeLf;
      else if (c == ';')
        state_ = State::kExtNameWs;
      else if (isOws(c))
        state_ = State::kExtWs;
      else
        return bad;
      return HttpError::kNone;
    default:
      return bad;
  }
}

// trailer-section = *( field-line CRLF ), then the final CRLF.
HttpError ChunkedDecoder::trailer(char c) {
  switch (state_) {
    case State::kTrailerStart:
      if (c == '\r') {
        state_ = State::kEndLf;
      } else if (isToken(c)) {
        name_len_ = 0;
        name_[name_len_++] = chars::lower(c);
        state_ = State::kTrailerName;
      } else if (isOws(c)) {
        return HttpError::kObsFold;
      } else {
        return c == '\n' ? HttpError::kBareLf : HttpError::kBadFieldName;
      }
      return HttpError::kNone;
    case State::kTrailerName:
      if (isToken(c)) {
        if (name_len_ < kNameCap) name_[name_len_] = chars::lower(c);
        if (name_len_ <= kNameCap) ++name_len_;  // kNameCap + 1: longer than any forbidden name
      } else if (c == ':') {
        if (forbiddenTrailer()) return HttpError::kForbiddenTrailer;
        state_ = State::kTrailerValue;
      } else if (isOws(c)) {
        return HttpError::kSpaceBeforeColon;
      } else {
        return c == '\r' ? HttpError::kBareCr : HttpError::kBadFieldName;
      }
      return HttpError::kNone;
    case State::kTrailerValue:
      if (c == '\r')
        state_ = State::kTrailerLf;
      else if (!chars::is(c, chars::kFieldValue))
        return c == '\n' ? HttpError::kBareLf : HttpError::kBadFieldValue;
      return HttpError::kNone;
    case State::kTrailerLf:
      if (c != '\n') return HttpError::kBareCr;
      state_ = State::kTrailerStart;
      return HttpError::kNone;
    case State::kEndLf:
      if (c != '\n') return HttpError::kBareCr;
      state_ = State::kDone;
      return HttpError::kNone;
    default:
      return HttpError::kBadFieldName;
  }
}

bool ChunkedDecoder::forbiddenTrailer() const {
  if (name_len_ > kNameCap) return false;
  const std::string_view name(name_, name_len_);
  return std::find(std::begin(kForbidden), std::end(kForbidden), name) != std::end(kForbidden);
}

}  // namespace vlb::l7::http
