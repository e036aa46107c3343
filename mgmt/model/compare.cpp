// compare: the set lines of two documents diffed by longest common subsequence, so unchanged
// lines anchor the output and a moved rule shows as removed and added.
#include <algorithm>

#include "mgmt/model/model.h"

namespace vlb::model {
namespace {

constexpr size_t kMaxCells = 16u << 20;  // beyond this the middle is diffed without LCS

// Lines are compared as rendered with secrets; what is printed are the same lines masked (`am`,
// `bm`: the same count and order).
void diffMiddle(const std::vector<std::string>& a, const std::vector<std::string>& am, size_t a0, size_t a1,
                const std::vector<std::string>& b, const std::vector<std::string>& bm, size_t b0, size_t b1,
                std::vector<std::string>& out) {
  const size_t n = a1 - a0, m = b1 - b0;
  if (n * m > kMaxCells) {  // too large: all removed, then all added
    for (size_t i = a0; i < a1; ++i) out.push_back("- " + am[i]);
    for (size_t j = b0; j < b1; ++j) out.push_back("+ " + bm[j]);
    return;
  }
  // lcs[i][j]: length of the LCS of a[a0+i..a1) and b[b0+j..b1).
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto cell = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      cell(i, j) = a[a0 + i] == b[b0 + j] ? cell(i + 1, j + 1) + 1 : std::max(cell(i + 1, j), cell(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
      ++i, ++j;
    } else if (j == m || (i < n && cell(i + 1, j) >= cell(i, j + 1))) {
      out.push_back("- " + am[a0 + i++]);
    } else {
      out.push_back("+ " + bm[b0 + j++]);
    }
  }
}

}  // namespace

std::vector<std::string> compare(const Registry& registry, const Json& from, const Json& to) {
  const std::vector<std::string> a = renderSetLines(registry, from), b = renderSetLines(registry, to);
  const std::vector<std::string> am = renderSetLines(registry, from, Secrets::kMasked),
                                 bm = renderSetLines(registry, to, Secrets::kMasked);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  std::vector<std::string> out;
  diffMiddle(a, am, head, a.size() - tail, b, bm, head, b.size() - tail, out);
  return out;
}

}  // namespace vlb::model
