// Output pipes of vlbsh, as Junos and F5's tmsh have them: `show running-config | match web`,
// `| except PATTERN`, `| count`, `| last N`. The pipe is a word of its own (`|` between blanks);
// filters apply to the printed lines, in order, on the client side.
#pragma once

#include <cstddef>
#include <regex>
#include <string>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {

struct OutputFilter {
  enum class Kind { kMatch, kExcept, kCount, kLast };
  Kind kind = Kind::kMatch;
  std::string text;  // kMatch, kExcept: the pattern as typed
  std::regex pattern;
  size_t lines = 0;  // kLast
};

struct PipedCommand {
  Words command;  // what goes to vlbd
  std::vector<OutputFilter> filters;
};

// Splits `words` at `|` words. Errors name the filter and what it needs.
Result<PipedCommand> splitPipes(const Words& words);

// The text after the filters, line by line.
std::string applyFilters(const std::string& text, const std::vector<OutputFilter>& filters);

}  // namespace vlb::shell
