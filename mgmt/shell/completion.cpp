// Tab completion: from vlbd's candidates to an edit of the line.
#include "mgmt/shell/completion.h"

#include <algorithm>

#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {
namespace {

bool isHint(const std::string& c) { return c.size() >= 2 && c.front() == '<' && c.back() == '>'; }

std::string commonPrefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

}  // namespace

CompletionPlan planCompletion(const std::string& line_so_far, const std::vector<std::string>& candidates) {
  CompletionPlan plan;
  if (candidates.empty()) return plan;
  const size_t start = partialWordStart(line_so_far);
  const std::string raw = line_so_far.substr(start);
  const std::string typed = unquotePartial(raw);
  const bool quoted = !raw.empty() && (raw[0] == '\'' || raw[0] == '"');

  std::vector<std::string> matches;
  bool hints = false;
  for (const auto& c : candidates) {
    if (isHint(c)) hints = true;
    else if (c.starts_with(typed)) matches.push_back(c);
  }
  if (matches.size() == 1 && !hints) {
    const std::string rest = matches[0].substr(typed.size());
    if (quoted) plan.insert = rest + raw[0] + " ";  // close the quote the person opened
    else plan.insert = (rest.empty() ? std::string() : quoteWord(rest)) + " ";
    return plan;
  }
  if (!matches.empty()) {
    const std::string prefix = commonPrefix(matches);
    if (prefix.size() > typed.size()) {
      const std::string rest = prefix.substr(typed.size());
      plan.insert = quoted ? rest : quoteWord(rest);
      return plan;
    }
  }
  plan.show = candidates;
  std::sort(plan.show.begin(), plan.show.end());
  return plan;
}

std::string formatCandidates(const std::vector<std::string>& candidates, size_t width) {
  size_t longest = 0;
  for (const auto& c : candidates) longest = std::max(longest, c.size());
  const size_t column = longest + 2;
  const size_t per_line = std::max<size_t>(1, width / column);
  std::string out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const bool last_in_line = (i + 1) % per_line == 0 || i + 1 == candidates.size();
    out += candidates[i];
    if (last_in_line) out += '\n';
    else out += std::string(column - candidates[i].size(), ' ');
  }
  return out;
}

}  // namespace vlb::shell
