#include "l7/http/head_core.h"

#include <algorithm>

#include "l7/http/chars.h"

namespace vlb::l7::http {

HeadCore::HeadCore(const Limits& limits)
    : limits_(limits), slots_(std::make_unique<FieldSlot[]>(limits.max_fields)) {}

void HeadCore::reset() {
  count_ = 0;
  line_start_ = 0;
  scan_ = 0;
  facts_ = {};
}

LineStatus HeadCore::nextLine(std::string_view buf, size_t limit_end, HttpError too_long,
                              Line* line, HttpError* error) {
  const size_t stop = std::min(buf.size(), limit_end);
  if (scan_ < stop) {
    const char* lf = chars::findLf(buf.data() + scan_, stop - scan_);
    if (lf != nullptr) {
      const auto at = uint32_t(lf - buf.data());
      if (at == line_start_ || buf[at - 1] != '\r') {
        *error = HttpError::kBareLf;
        return LineStatus::kError;
      }
      *line = {line_start_, at - 1};
      line_start_ = scan_ = at + 1;
      return LineStatus::kLine;
    }
    scan_ = uint32_t(stop);
  }
  // The decision depends only on the bytes, not on how they were split: no LF in
  // [line_start, limit_end) once that much has arrived.
  if (buf.size() >= limit_end) {
    *error = too_long;
    return LineStatus::kError;
  }
  return LineStatus::kNeedMore;
}

HttpError HeadCore::addField(const char* base, Line line) {
  if (count_ == limits_.max_fields) return HttpError::kTooManyFields;
  FieldSlot& slot = slots_[count_];
  if (const HttpError e = parseFieldLine(base, line.begin, line.end, &slot); e != HttpError::kNone)
    return e;
  slot.line_end = line.end + 2;
  ++count_;
  return noteField(base, &slot, &facts_);
}

}  // namespace vlb::l7::http
