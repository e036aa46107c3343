// Host names in content rules: the request's host reduced to what rules compare (port and final
// dot removed), and exact / wildcard patterns matched case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"

namespace vlb::l7::rules {

// "Mail.Example.com:443" -> "Mail.Example.com"; "[2001:db8::1]:443" -> "[2001:db8::1]";
// "example.com." -> "example.com". Case is kept; comparisons ignore it.
std::string_view hostForMatching(std::string_view authority);

// Exact names and "*.suffix" wildcards; a wildcard matches one or more labels before the suffix
// ("*.example.com" matches "a.example.com" and "a.b.example.com", not "example.com").
class HostPatterns {
 public:
  // Checks and adds one pattern; the error says why (the caller names rule and field).
  Status add(std::string_view pattern);
  bool empty() const { return exact_.empty() && suffixes_.empty(); }
  bool matches(std::string_view host) const;  // host as from hostForMatching()

 private:
  std::vector<std::string> exact_;     // lowercase
  std::vector<std::string> suffixes_;  // lowercase, with the leading dot: ".example.com"
};

// ASCII case-insensitive comparisons with a pattern already in lowercase.
bool equalsLowered(std::string_view s, std::string_view lower_pattern);
bool startsWithLowered(std::string_view s, std::string_view lower_prefix);
bool endsWithLowered(std::string_view s, std::string_view lower_suffix);
std::string toLower(std::string_view s);

}  // namespace vlb::l7::rules
