#include "l7/http/head_core.h"

#include <algorithm>

#include "l7/http/chars.h"
#include "l7/http/field_line.h"

namespace vlb::l7::http {

HeadCore::HeadCore(const Limits& limits)
    : limits_(limits), slots_(std::make_unique<FieldSlot[]>(limits.max_fields)) {}

void HeadCore::reset() {
  count_ = 0;
  line_start_ = 0;
  scan_ = 0;
  first_bad_ = chars::kNoBadByte;
  facts_ = {};
}

// The line that ends at the first LF in [scan_, stop): kLine (taken; the next line starts after
// it), kError for a bare LF, kNeedMore when no LF is there yet (the search resumes at `stop`).
// Inlined into both callers: a call per line costs as much as the field loop saves.
[[gnu::always_inline]] inline LineStatus HeadCore::takeLine(const char* base, size_t stop,
                                                            Line* line, HttpError* error) {
  const size_t lf = scan_ < stop ? chars::scanLineEnd(base, scan_, stop, &first_bad_) : stop;
  if (lf == stop) {
    scan_ = uint32_t(std::max<size_t>(scan_, stop));
    return LineStatus::kNeedMore;
  }
  const auto at = uint32_t(lf);
  if (at == line_start_ || base[at - 1] != '\r') {
    *error = HttpError::kBareLf;
    return LineStatus::kError;
  }
  // The line's CR is its first bad byte when it is clean.
  *line = {line_start_, at - 1, first_bad_ == at - 1};
  line_start_ = scan_ = at + 1;
  first_bad_ = chars::kNoBadByte;
  return LineStatus::kLine;
}

LineStatus HeadCore::nextLine(std::string_view buf, size_t limit_end, HttpError too_long,
                              Line* line, HttpError* error) {
  const LineStatus s = takeLine(buf.data(), std::min(buf.size(), limit_end), line, error);
  if (s != LineStatus::kNeedMore) return s;
  // The decision depends only on the bytes, not on how they were split: no LF in
  // [line_start, limit_end) once that much has arrived.
  if (buf.size() >= limit_end) {
    *error = too_long;
    return LineStatus::kError;
  }
  return LineStatus::kNeedMore;
}

LineStatus HeadCore::parseFields(std::string_view buf, HttpError* error) {
  const char* const base = buf.data();
  const size_t stop = std::min<size_t>(buf.size(), limits_.max_head_bytes);
  Line line;
  while (true) {
    const LineStatus s = takeLine(base, stop, &line, error);
    if (s == LineStatus::kError) return s;
    if (s == LineStatus::kNeedMore) break;
    if (line.empty()) return LineStatus::kLine;
    if (count_ == limits_.max_fields) {
      *error = HttpError::kTooManyFields;
      return LineStatus::kError;
    }
    FieldSlot& slot = slots_[count_];
    HttpError e = parseFieldLine(base, line.begin, line.end, line.clean, &slot);
    if (e == HttpError::kNone) {
      slot.line_end = line.end + 2;
      slot.id = identify(slot.name.in(base));
      ++count_;
      if (slot.id != FieldId::kOther) e = noteField(base, slot, &facts_);
    }
    if (e != HttpError::kNone) {
      *error = e;
      return LineStatus::kError;
    }
  }
  if (buf.size() >= limits_.max_head_bytes) {  // no end of head within the limit
    *error = HttpError::kHeadTooLarge;
    return LineStatus::kError;
  }
  return LineStatus::kNeedMore;
}

}  // namespace vlb::l7::http
