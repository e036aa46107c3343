// vlbsh's output pipes: parsing `| match …` and filtering printed lines.
#include "mgmt/shell/output_filter.h"

#include <charconv>
#include <sstream>

namespace vlb::shell {
namespace {

constexpr const char* kUsage = "match PATTERN, except PATTERN, count or last N";

Result<OutputFilter> parseFilter(const Words& w) {
  if (w.empty()) return fail("| needs a filter after it: " + std::string(kUsage));
  OutputFilter f;
  if (w[0] == "match" || w[0] == "except") {
    if (w.size() != 2) return fail("| " + w[0] + ": expected one PATTERN (quote it if it has blanks)");
    f.kind = w[0] == "match" ? OutputFilter::Kind::kMatch : OutputFilter::Kind::kExcept;
    f.text = w[1];
    try {
      f.pattern = std::regex(w[1], std::regex::extended);
    } catch (const std::regex_error& e) {
      return fail("| " + w[0] + ": \"" + w[1] + "\" is not a regular expression: " + e.what());
    }
    return f;
  }
  if (w[0] == "count") {
    if (w.size() != 1) return fail("| count takes nothing after it");
    f.kind = OutputFilter::Kind::kCount;
    return f;
  }
  if (w[0] == "last") {
    size_t n = 0;
    const std::string& v = w.size() == 2 ? w[1] : std::string();
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (w.size() != 2 || ec != std::errc() || end != v.data() + v.size() || n == 0)
      return fail("| last: expected a number of lines (1 or more)");
    f.kind = OutputFilter::Kind::kLast;
    f.lines = n;
    return f;
  }
  return fail("| " + w[0] + ": unknown filter (" + kUsage + ")");
}

}  // namespace

Result<PipedCommand> splitPipes(const Words& words) {
  PipedCommand out;
  size_t i = 0;
  while (i < words.size() && words[i] != "|") out.command.push_back(words[i++]);
  if (i < words.size() && out.command.empty()) return fail("| needs a command before it");
  while (i < words.size()) {
    Words part;
    for (++i; i < words.size() && words[i] != "|"; ++i) part.push_back(words[i]);
    auto f = parseFilter(part);
    if (!f) return fail(f.error());
    out.filters.push_back(std::move(*f));
  }
  return out;
}

std::string applyFilters(const std::string& text, const std::vector<OutputFilter>& filters) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (const auto& f : filters) {
    std::vector<std::string> kept;
    switch (f.kind) {
      case OutputFilter::Kind::kMatch:
      case OutputFilter::Kind::kExcept:
        for (auto& l : lines)
          if (std::regex_search(l, f.pattern) == (f.kind == OutputFilter::Kind::kMatch))
            kept.push_back(std::move(l));
        break;
      case OutputFilter::Kind::kCount:
        kept.push_back("Count: " + std::to_string(lines.size()) + " lines");
        break;
      case OutputFilter::Kind::kLast:
        for (size_t j = lines.size() > f.lines ? lines.size() - f.lines : 0; j < lines.size(); ++j)
          kept.push_back(std::move(lines[j]));
        break;
    }
    lines = std::move(kept);
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace vlb::shell
