// Delimits a message body from its Framing and hands it out as views into the input, without
// buffering: Content-Length counting, chunked decoding, or everything until the peer closes.
//
//   reader.start(head.framing);
//   BodyStep s = reader.next(in);   // same loop as ChunkedDecoder; data is valid with kNeedMore
//   and kDone
//   ...the peer closed: s = reader.finish();   // kDone for close-delimited bodies, else
//   kTruncatedBody
#pragma once

#include <string_view>

#include "l7/http/chunked.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

class BodyReader {
 public:
  explicit BodyReader(const Limits& limits = {});

  void start(const Framing& framing);
  BodyStep next(std::string_view in);
  BodyStep finish();
  bool done() const { return done_; }
  BodyKind kind() const { return framing_.kind; }

 private:
  Framing framing_;
  uint64_t remaining_ = 0;
  bool done_ = false;
  ChunkedDecoder chunked_;
};

}  // namespace vlb::l7::http
