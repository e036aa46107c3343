// The control API's commands. Features register theirs ("show interfaces" → handler); the
// longest registered word sequence that starts a request picks the handler, the rest are its
// arguments. Each command names the least role that may run it (operator or admin); a session
// below it is refused with the reason. Completion offers the next words of registered commands,
// and hands the arguments of a command to that command's own completer when it has one.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgmt/common/result.h"
#include "mgmt/control/session.h"

namespace vlb::mgmt {

using Words = std::vector<std::string>;
using CommandHandler = std::function<Result<nlohmann::ordered_json>(const Words& args)>;
using SessionCommandHandler =
    std::function<Result<nlohmann::ordered_json>(const Words& args, Session& session)>;
// Candidates for the word being typed (`partial`) after the command's words and `args`.
using Completer = std::function<std::vector<std::string>(const Words& args, const std::string& partial,
                                                         const Session& session)>;

class CommandRegistry {
 public:
  void add(const std::string& words, std::string help, CommandHandler handler,
           Role least = Role::kOperator);
  void add(const std::string& words, std::string help, SessionCommandHandler handler,
           Role least = Role::kOperator, Completer completer = nullptr);

  Result<nlohmann::ordered_json> dispatch(const Words& words, Session& session) const;
  // As the admin (tests, and callers without a session).
  Result<nlohmann::ordered_json> dispatch(const Words& words) const;
  // The words that may come next after `typed` (complete words), starting with `partial`.
  std::vector<std::string> complete(const Words& typed, const std::string& partial,
                                    const Session& session) const;
  // [{"command": "show interfaces", "help": "...", "role": "operator"}], for `help`.
  nlohmann::ordered_json describe() const;

 private:
  struct Command {
    std::string help;
    SessionCommandHandler handler;
    Role least;
    Completer completer;
  };
  std::map<Words, Command> commands_;
};

Words splitWords(const std::string& text);

}  // namespace vlb::mgmt
