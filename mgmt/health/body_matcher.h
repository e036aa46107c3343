// The body pattern of an http(s) check: a plain substring (the default) or a PCRE2 regular
// expression. Compiled once per configuration and shared by every probe of the real.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mgmt/common/result.h"

namespace vlb::health {

class BodyMatcher {
 public:
  // `regex`: PCRE2 syntax; a bad expression is refused with its error and offset.
  static Result<std::shared_ptr<const BodyMatcher>> make(std::string_view pattern, bool regex);
  ~BodyMatcher();
  BodyMatcher(const BodyMatcher&) = delete;
  BodyMatcher& operator=(const BodyMatcher&) = delete;

  // Whether the pattern occurs in `body`, whose bytes from `new_from` on arrived since the last
  // call (a substring search resumes there; a regex looks at the whole body, at most 64 KiB).
  bool found(std::string_view body, size_t new_from) const;

 private:
  BodyMatcher(std::string pattern, void* code) : pattern_(std::move(pattern)), code_(code) {}
  std::string pattern_;
  void* code_;  // pcre2_code_8*, null for a substring
};

}  // namespace vlb::health
