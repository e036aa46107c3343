// A compiled PCRE2 pattern (JIT when available) that many worker threads match against at once.
// Matching uses per-thread match data, so it allocates nothing after a thread's first match.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mgmt/common/result.h"

struct pcre2_real_code_8;

namespace vlb::l7::rules {

class Regex {
 public:
  // Error message: PCRE2's sentence and the offset, e.g. "missing closing parenthesis at offset 4".
  static Result<Regex> compile(std::string_view pattern, bool caseless);

  // True when the pattern matches somewhere in `subject` (anchor it with ^ to match from the
  // start). A match that exceeds the backtracking limit (kMatchLimit) counts as no match.
  bool matches(std::string_view subject) const;

  const std::string& pattern() const { return pattern_; }

  static constexpr uint32_t kMatchLimit = 100000;

 private:
  std::shared_ptr<const pcre2_real_code_8> code_;  // immutable once compiled: shared by threads
  std::string pattern_;
};

}  // namespace vlb::l7::rules
