// What Tab does with the candidates vlbd suggests for the word being typed: insert the rest of a
// single match (and a blank), or the longest common prefix of several, or list them. Candidates
// in angle brackets ("<ipv4>") are hints for free values: listed, never inserted.
#pragma once

#include <string>
#include <vector>

namespace vlb::shell {

struct CompletionPlan {
  std::string insert;               // text to add at the cursor
  std::vector<std::string> show;    // candidates to list under the line (empty: nothing to list)
};

CompletionPlan planCompletion(const std::string& line_so_far, const std::vector<std::string>& candidates);

// The candidates laid out in columns for a terminal `width` characters wide.
std::string formatCandidates(const std::vector<std::string>& candidates, size_t width = 80);

}  // namespace vlb::shell
