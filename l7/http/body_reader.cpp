#include "l7/http/body_reader.h"

#include <algorithm>

namespace vlb::l7::http {

BodyReader::BodyReader(const Limits& limits) : chunked_(limits) {}

void BodyReader::start(const Framing& framing) {
  framing_ = framing;
  remaining_ = framing.kind == BodyKind::kLength ? framing.length : 0;
  done_ = framing.kind == BodyKind::kNone || (framing.kind == BodyKind::kLength && remaining_ == 0);
  chunked_.reset();
}

BodyStep BodyReader::next(std::string_view in) {
  if (done_) return {ParseStatus::kDone, HttpError::kNone, 0, {}};
  switch (framing_.kind) {
    case BodyKind::kLength: {
      const auto n = size_t(std::min<uint64_t>(remaining_, in.size()));
      remaining_ -= n;
      done_ = remaining_ == 0;
      return {done_ ? ParseStatus::kDone : ParseStatus::kNeedMore, HttpError::kNone, n,
              in.substr(0, n)};
    }
    case BodyKind::kChunked: {
      const BodyStep s = chunked_.next(in);
      done_ = s.status == ParseStatus::kDone;
      return s;
    }
    case BodyKind::kUntilClose:
    case BodyKind::kTunnel:
      return {ParseStatus::kNeedMore, HttpError::kNone, in.size(), in};
    case BodyKind::kNone:
      break;
  }
  return {ParseStatus::kDone, HttpError::kNone, 0, {}};
}

BodyStep BodyReader::finish() {
  if (done_ || framing_.kind == BodyKind::kUntilClose || framing_.kind == BodyKind::kTunnel) {
    done_ = true;
    return {ParseStatus::kDone, HttpError::kNone, 0, {}};
  }
  return {ParseStatus::kError, HttpError::kTruncatedBody, 0, {}};
}

}  // namespace vlb::l7::http
