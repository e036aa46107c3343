// BodyMatcher: substring search or PCRE2 (compiled without JIT: 64 KiB at most per check).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "mgmt/health/body_matcher.h"

#include <pcre2.h>

namespace vlb::health {

Result<std::shared_ptr<const BodyMatcher>> BodyMatcher::make(std::string_view pattern, bool regex) {
  if (!regex)
    return std::shared_ptr<const BodyMatcher>(new BodyMatcher(std::string(pattern), nullptr));
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                                   &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return fail("body regex \"" + std::string(pattern) + "\" at offset " + std::to_string(offset) +
                ": " + reinterpret_cast<const char*>(message));
  }
  return std::shared_ptr<const BodyMatcher>(new BodyMatcher(std::string(pattern), code));
}

BodyMatcher::~BodyMatcher() {
  if (code_) pcre2_code_free(static_cast<pcre2_code*>(code_));
}

bool BodyMatcher::found(std::string_view body, size_t new_from) const {
  if (code_ == nullptr) {
    const size_t from = new_from >= pattern_.size() ? new_from - pattern_.size() + 1 : 0;
    return body.find(pattern_, from) != std::string_view::npos;
  }
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
  if (data == nullptr) return false;
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(body.data()), body.size(), 0, 0,
                             data, nullptr);
  pcre2_match_data_free(data);
  return rc >= 0;
}

}  // namespace vlb::health
