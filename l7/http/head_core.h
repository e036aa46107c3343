// What request and response head parsing share: finding CRLF-terminated lines under the size
// limits, resuming where the previous call stopped, and collecting field lines into a
// fixed-capacity array.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "l7/http/fields.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

struct Line {
  uint32_t begin = 0;
  uint32_t end = 0;  // CRLF excluded
  bool empty() const { return begin == end; }
};

enum class LineStatus : uint8_t { kLine, kNeedMore, kError };

class HeadCore {
 public:
  explicit HeadCore(const Limits& limits);
  void reset();

  // The next complete line of `buf`. Its LF must lie before `limit_end` (an offset into the
  // message), else the result is kError with `too_long`; bare LF is kError with kBareLf. Looks at
  // each byte once over all calls, and never past `limit_end`.
  LineStatus nextLine(std::string_view buf, size_t limit_end, HttpError too_long, Line* line,
                      HttpError* error);

  // Parses a field line, stores it and notes what it says about framing and connection handling.
  HttpError addField(const char* base, Line line);

  uint32_t consumed() const { return line_start_; }  // bytes up to the start of the next line
  const Limits& limits() const { return limits_; }
  const FieldFacts& facts() const { return facts_; }
  FieldList fields(const char* base) const { return {base, slots_.get(), count_}; }

 private:
  Limits limits_;
  std::unique_ptr<FieldSlot[]> slots_;  // Limits::max_fields, allocated once per parser
  uint32_t count_ = 0;
  uint32_t line_start_ = 0;
  uint32_t scan_ = 0;  // where the search for the next LF resumes
  FieldFacts facts_;
};

}  // namespace vlb::l7::http
