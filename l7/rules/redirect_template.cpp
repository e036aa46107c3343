// Parsing and rendering of redirect Location templates.
#include "l7/rules/redirect_template.h"

#include <array>
#include <utility>

#include "l7/http/chars.h"
#include "l7/rules/host_pattern.h"

namespace vlb::l7::rules {

Result<RedirectTemplate> RedirectTemplate::compile(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, Part>, 6> kVariables = {{
      {"scheme", Part::kScheme},
      {"host", Part::kHost},
      {"hostport", Part::kHostPort},
      {"uri", Part::kUri},
      {"path", Part::kPath},
      {"query", Part::kQuery},
  }};
  if (text.empty()) return fail("is empty");
  RedirectTemplate t;
  t.text_ = std::string(text);
  std::string literal;
  auto flushLiteral = [&] {
    if (!literal.empty()) t.pieces_.push_back({Part::kLiteral, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      ++i;
      continue;
    }
    if (c == '}') return fail("has '}' without '{' at offset " + std::to_string(i));
    if (c == '{') {
      const size_t close = text.find('}', i);
      if (close == std::string_view::npos)
        return fail("has '{' without '}' at offset " + std::to_string(i));
      const std::string_view name = text.substr(i + 1, close - i - 1);
      bool known = false;
      for (const auto& [var, part] : kVariables) {
        if (name == var) {
          flushLiteral();
          t.pieces_.push_back({part, {}});
          known = true;
        }
      }
      if (!known)
        return fail("has unknown variable {" + std::string(name) +
                    "} (known: {scheme} {host} {hostport} {uri} {path} {query})");
      i = close;
      continue;
    }
    // Location is a field value: no controls, no spaces (a URI has none).
    if (!http::chars::is(c, http::chars::kVchar) || uint8_t(c) >= 0x80)
      return fail("has a character that cannot be in a URI at offset " + std::to_string(i));
    literal.push_back(c);
  }
  flushLiteral();
  return t;
}

void RedirectTemplate::render(const http::RequestHead& head, std::string_view scheme,
                              std::string& out) const {
  const std::string_view path = head.path.empty() ? std::string_view("/") : head.path;
  for (const Piece& p : pieces_) {
    switch (p.part) {
      case Part::kLiteral:
        out += p.literal;
        break;
      case Part::kScheme:
        out += scheme;
        break;
      case Part::kHost:
        out += hostForMatching(head.authority);
        break;
      case Part::kHostPort:
        out += head.authority;
        break;
      case Part::kUri:
        out += path;
        if (!head.query.empty()) {
          out += '?';
          out += head.query;
        }
        break;
      case Part::kPath:
        out += path;
        break;
      case Part::kQuery:
        out += head.query;
        break;
    }
  }
}

}  // namespace vlb::l7::rules
