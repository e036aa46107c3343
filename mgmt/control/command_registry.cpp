#include "mgmt/control/command_registry.h"

#include <set>
#include <sstream>

namespace vlb::mgmt {
namespace {

std::string joined(const Words& words, size_t n) {
  std::string text;
  for (size_t i = 0; i < n && i < words.size(); ++i) text += (i ? " " : "") + words[i];
  return text;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Words splitWords(const std::string& text) {
  Words words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void CommandRegistry::add(const std::string& words, std::string help, CommandHandler handler,
                          Role least) {
  commands_[splitWords(words)] = {
      std::move(help), [h = std::move(handler)](const Words& a, Session&) { return h(a); }, least,
      nullptr};
}

void CommandRegistry::add(const std::string& words, std::string help, SessionCommandHandler handler,
                          Role least, Completer completer) {
  commands_[splitWords(words)] = {std::move(help), std::move(handler), least, std::move(completer)};
}

Result<nlohmann::ordered_json> CommandRegistry::dispatch(const Words& words, Session& session) const {
  for (size_t n = words.size(); n > 0; --n) {
    auto it = commands_.find(Words(words.begin(), words.begin() + long(n)));
    if (it == commands_.end()) continue;
    if (session.role < it->second.least)
      return fail("permission denied: \"" + joined(words, n) + "\" needs the " +
                  std::string(roleName(it->second.least)) + " role; " + session.user + " is " +
                  (session.role == Role::kNone ? "not admitted" : std::string(roleName(session.role))) +
                  " (" + session.why_role + ")");
    return it->second.handler(Words(words.begin() + long(n), words.end()), session);
  }
  if (words.empty()) return fail("empty command; try \"help\"");
  return fail("unknown command \"" + joined(words, words.size()) + "\"; try \"help\"");
}

Result<nlohmann::ordered_json> CommandRegistry::dispatch(const Words& words) const {
  Session admin;
  admin.role = Role::kAdmin;
  admin.user = "root";
  admin.why_role = "internal";
  return dispatch(words, admin);
}

std::vector<std::string> CommandRegistry::complete(const Words& typed, const std::string& partial,
                                                   const Session& session) const {
  std::set<std::string> out;
  for (const auto& [words, cmd] : commands_) {
    if (session.role < cmd.least) continue;
    // The command's own words: the next one, when `typed` is a prefix of them.
    if (typed.size() < words.size()) {
      if (!std::equal(typed.begin(), typed.end(), words.begin())) continue;
      if (startsWith(words[typed.size()], partial)) out.insert(words[typed.size()]);
      continue;
    }
    // Past them: the command's arguments.
    if (!cmd.completer || !std::equal(words.begin(), words.end(), typed.begin())) continue;
    const Words args(typed.begin() + long(words.size()), typed.end());
    for (auto& c : cmd.completer(args, partial, session)) out.insert(std::move(c));
  }
  return {out.begin(), out.end()};
}

nlohmann::ordered_json CommandRegistry::describe() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [words, cmd] : commands_)
    out.push_back({{"command", joined(words, words.size())}, {"help", cmd.help},
                   {"role", std::string(roleName(cmd.least))}});
  return out;
}

}  // namespace vlb::mgmt
