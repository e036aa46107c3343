// Vocabulary shared by the HTTP/1.1 head parsers and body readers: limits, results, field views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "l7/http/chars.h"
#include "l7/http/errors.h"

namespace vlb::l7::http {

// Configurable bounds; every one of them turns an endless or huge input into an error.
struct Limits {
  uint32_t max_head_bytes = 32 * 1024;          // start line + fields + CRLFs (431)
  uint32_t max_request_line = 8 * 1024;         // request line with its CRLF (414)
  uint16_t max_fields = 100;                    // field lines in a head (431)
  uint64_t max_body_bytes = uint64_t(2) << 30;  // request body, declared or streamed (413)
  uint32_t max_chunk_line = 4096;               // chunk-size line with extensions and CRLF (400)
  uint32_t max_trailer_bytes = 8 * 1024;        // trailer section with its final CRLF (431)
};

enum class ParseStatus : uint8_t {
  kNeedMore,  // not finished: give more bytes
  kDone,      // finished
  kError,     // refused; see the error
};

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  HttpError error = HttpError::kNone;
  uint16_t http_status =
      0;  // what to answer when kError: 400, 413, 414, 431, 501, 505 (502 for responses)
  size_t head_len =
      0;  // when kDone: bytes of the head, leading empty lines and final CRLF included
};

// A byte range of the message buffer by offset, so that the caller's buffer may move between calls.
struct Span {
  uint32_t off = 0;
  uint32_t len = 0;
  std::string_view in(const char* base) const { return {base + off, len}; }
};

// The fields that framing, connection handling and forwarding treat specially, recognized once
// while parsing so that later steps switch on this instead of comparing names again.
enum class FieldId : uint8_t {
  kOther,
  kHost,
  kContentLength,
  kTransferEncoding,
  kConnection,
  kKeepAlive,
  kProxyConnection,
  kTe,
  kTrailer,
  kUpgrade,
  kExpect,
  kXForwardedFor,
  kXForwardedProto,
  kXForwardedHost,
};

struct FieldSlot {
  Span name;
  Span value;             // leading and trailing OWS removed
  uint32_t line_end = 0;  // just past the line's CRLF; the line starts at name.off
  FieldId id = FieldId::kOther;
};

struct HeaderField {
  std::string_view name;
  std::string_view value;
  FieldId id = FieldId::kOther;
  std::string_view line = {};  // the whole field line as received, CRLF included
};

// The field lines of a head, in order, as views into the message buffer.
class FieldList {
 public:
  FieldList() = default;
  FieldList(const char* base, const FieldSlot* slots, uint32_t count)
      : base_(base), slots_(slots), count_(count) {}

  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  HeaderField operator[](uint32_t i) const {
    const FieldSlot& s = slots_[i];
    return {s.name.in(base_), s.value.in(base_), s.id,
            std::string_view(base_ + s.name.off, s.line_end - s.name.off)};
  }
  // The value of the first field named `lower_name` (give it in lowercase); empty when absent.
  std::string_view get(std::string_view lower_name) const {
    for (uint32_t i = 0; i < count_; ++i)
      if (chars::equalsLower(slots_[i].name.in(base_), lower_name))
        return slots_[i].value.in(base_);
    return {};
  }

  class Iterator {
   public:
    Iterator(const FieldList* list, uint32_t i) : list_(list), i_(i) {}
    HeaderField operator*() const { return (*list_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const FieldList* list_;
    uint32_t i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, count_}; }

 private:
  const char* base_ = nullptr;
  const FieldSlot* slots_ = nullptr;
  uint32_t count_ = 0;
};

// How the body of a message is delimited (RFC 9112 section 6.3).
enum class BodyKind : uint8_t {
  kNone,        // no body: a request without CL/TE, HEAD/1xx/204/304 responses
  kLength,      // Content-Length bytes
  kChunked,     // chunked transfer coding (ChunkedDecoder)
  kUntilClose,  // a response read until the server closes
  kTunnel,      // 101 Switching Protocols or 2xx to CONNECT: bytes both ways, no more HTTP
};

struct Framing {
  BodyKind kind = BodyKind::kNone;
  uint64_t length = 0;  // for kLength
  bool operator==(const Framing&) const = default;
};

// What a body reader hands back for one call.
struct BodyStep {
  ParseStatus status =
      ParseStatus::kNeedMore;  // kNeedMore: pass in.substr(consumed) and later bytes
  HttpError error = HttpError::kNone;
  size_t consumed = 0;    // bytes of the input used (framing and data)
  std::string_view data;  // body bytes inside the input, possibly empty
};

}  // namespace vlb::l7::http
