// Streaming decoder of the chunked transfer coding (RFC 9112 section 7.1). It keeps a few counters
// and never buffers: chunk data is handed out as views into the input, framing is checked a byte at
// a time.
//
//   while (!in.empty()) {
//     BodyStep s = decoder.next(in);   // s.data: body bytes inside `in`
//     if (s.status == ParseStatus::kError) -> 400/413/431 (errorStatus(s.error)), close
//     forward(s.data);
//     in.remove_prefix(s.consumed);
//     if (s.status == ParseStatus::kDone) break;   // `in` now starts with the next message
//   }
//
// Chunk extensions are checked and ignored. The trailer section is checked with the field rules of
// the head, refused when it names a field that must not be a trailer, and discarded (RFC 9110
// section 6.5.1 lets a recipient that removes the chunked coding drop trailers): trailers never
// reach the head.
#pragma once

#include <cstdint>
#include <string_view>

#include "l7/http/types.h"

namespace vlb::l7::http {

class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const Limits& limits = {});

  BodyStep next(std::string_view in);
  void reset();
  bool done() const { return state_ == State::kDone; }
  uint64_t declaredBytes() const { return total_; }  // sum of the chunk sizes read so far

 private:
  enum class State : uint8_t {
    kSizeStart,
    kSize,
    kExtWs,
    kExtNameWs,
    kExtName,
    kExtNameEnd,
    kExtValueWs,
    kExtToken,
    kExtQuoted,
    kExtQuotedPair,
    kExtQuotedEnd,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailerStart,
    kTrailerName,
    kTrailerValue,
    kTrailerLf,
    kEndLf,
    kDone,
    kError,
  };
  static constexpr uint8_t kNameCap = 20;  // longer than any forbidden trailer name

  HttpError consume(char c);
  HttpError sizeLine(char c);
  HttpError extension(char c);
  HttpError afterSize(char c);
  HttpError trailer(char c);
  bool forbiddenTrailer() const;

  uint64_t max_body_;
  uint32_t max_line_;
  uint32_t max_trailer_;
  State state_ = State::kSizeStart;
  HttpError error_ = HttpError::kNone;
  uint64_t size_ = 0;       // the chunk-size being read
  uint64_t remaining_ = 0;  // data bytes left in the current chunk
  uint64_t total_ = 0;
  uint32_t line_len_ = 0;
  uint32_t trailer_len_ = 0;
  uint8_t digits_ = 0;
  uint8_t name_len_ = 0;
  char name_[kNameCap] = {};
};

}  // namespace vlb::l7::http
