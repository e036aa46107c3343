#include "mgmt/control/command_registry.h"

#include <sstream>

namespace vlb::mgmt {

Words splitWords(const std::string& text) {
  Words words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void CommandRegistry::add(const std::string& words, std::string help, CommandHandler handler) {
  commands_[splitWords(words)] = {std::move(help), std::move(handler)};
}

Result<nlohmann::ordered_json> CommandRegistry::dispatch(const Words& words) const {
  for (size_t n = words.size(); n > 0; --n) {
    auto it = commands_.find(Words(words.begin(), words.begin() + long(n)));
    if (it == commands_.end()) continue;
    return it->second.handler(Words(words.begin() + long(n), words.end()));
  }
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
  if (text.empty()) return fail("empty command; try \"help\"");
  return fail("unknown command \"" + text + "\"; try \"help\"");
}

nlohmann::ordered_json CommandRegistry::describe() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [words, cmd] : commands_) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    out.push_back({{"command", text}, {"help", cmd.help}});
  }
  return out;
}

}  // namespace vlb::mgmt
