// The control API's commands. Features register theirs ("show interfaces" → handler); the
// longest registered word sequence that starts a request picks the handler, the rest are its
// arguments.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgmt/common/result.h"

namespace vlb::mgmt {

using Words = std::vector<std::string>;
using CommandHandler = std::function<Result<nlohmann::ordered_json>(const Words& args)>;

class CommandRegistry {
 public:
  void add(const std::string& words, std::string help, CommandHandler handler);
  Result<nlohmann::ordered_json> dispatch(const Words& words) const;
  // [{"command": "show interfaces", "help": "..."}], for `help` and completion.
  nlohmann::ordered_json describe() const;

 private:
  struct Command {
    std::string help;
    CommandHandler handler;
  };
  std::map<Words, Command> commands_;
};

Words splitWords(const std::string& text);

}  // namespace vlb::mgmt
