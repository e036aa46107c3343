// What request and response head parsing share: finding CRLF-terminated lines under the size
// limits, resuming where the previous call stopped, and collecting field lines into a
// fixed-capacity array. The field lines are taken in one loop with each line's syntax checked
// inline (field_line.h): per line, a call and a result pass cost as much as the checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "l7/http/chars.h"
#include "l7/http/fields.h"
#include "l7/http/types.h"

namespace vlb::l7::http {

struct Line {
  uint32_t begin = 0;
  uint32_t end = 0;    // CRLF excluded
  bool clean = false;  // no control byte but HTAB and no DEL in [begin, end) (chars::isLineBad)
  bool empty() const { return begin == end; }
};

enum class LineStatus : uint8_t { kLine, kNeedMore, kError };

class HeadCore {
 public:
  explicit HeadCore(const Limits& limits);
  void reset();

  // The next complete line of `buf`. Its LF must lie before `limit_end` (an offset into the
  // message), else the result is kError with `too_long`; bare LF is kError with kBareLf. Looks at
  // each byte once over all calls, and never past `limit_end`; the same look tells Line::clean.
  LineStatus nextLine(std::string_view buf, size_t limit_end, HttpError too_long, Line* line,
                      HttpError* error);

  // The field lines of `buf` from where the last call stopped: each is parsed, stored and noted
  // for what it says about framing and connection handling. kLine once the empty line that ends
  // the head is taken, kNeedMore at the end of the bytes; the head must end within
  // Limits::max_head_bytes (kError kHeadTooLarge), and bad lines are kError as nextLine's are.
  LineStatus parseFields(std::string_view buf, HttpError* error);

  uint32_t consumed() const { return line_start_; }  // bytes up to the start of the next line
  const Limits& limits() const { return limits_; }
  const FieldFacts& facts() const { return facts_; }
  FieldList fields(const char* base) const { return {base, slots_.get(), count_}; }

 private:
  LineStatus takeLine(const char* base, size_t stop, Line* line, HttpError* error);

  Limits limits_;
  std::unique_ptr<FieldSlot[]> slots_;  // Limits::max_fields, allocated once per parser
  uint32_t count_ = 0;
  uint32_t line_start_ = 0;
  uint32_t scan_ = 0;                     // where the search for the next LF resumes
  size_t first_bad_ = chars::kNoBadByte;  // in the line being searched
  FieldFacts facts_;
};

}  // namespace vlb::l7::http
