// Splitting and running -c and -f scripts.
#include "mgmt/shell/script.h"

#include <ostream>
#include <sstream>

#include "mgmt/shell/output_filter.h"
#include "mgmt/shell/render.h"

namespace vlb::shell {

std::string commandText(const Words& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + quoteWord(w);
  return text;
}

Result<std::vector<ScriptCommand>> parseScriptFile(const std::string& text, const std::string& name) {
  std::vector<ScriptCommand> out;
  size_t line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    ++line_no;
    auto commands = splitCommands(std::string_view(text).substr(pos, eol - pos));
    const std::string where = name + ":" + std::to_string(line_no);
    if (!commands) return fail(where + ": " + commands.error());
    for (auto& words : *commands) out.push_back({where, std::move(words)});
    pos = eol + 1;
  }
  return out;
}

Result<std::vector<ScriptCommand>> parseCommandString(const std::string& text) {
  auto commands = splitCommands(text);
  if (!commands) return fail("-c: " + commands.error());
  std::vector<ScriptCommand> out;
  for (auto& words : *commands)
    out.push_back({"-c command " + std::to_string(out.size() + 1), std::move(words)});
  return out;
}

Status runCommand(ControlSession& session, const Words& words, const OutputOptions& options, std::ostream& out) {
  auto piped = splitPipes(words);
  if (!piped) return fail(piped.error());
  auto result = session.call(piped->command);
  if (!result) return fail(result.error());
  std::ostringstream text;
  if (options.json)
    text << result->dump(2) << "\n";
  else
    render(text, piped->command, *result);
  out << (piped->filters.empty() ? text.str() : applyFilters(text.str(), piped->filters));
  out.flush();
  return Ok{};
}

int runScript(ControlSession& session, const std::vector<ScriptCommand>& commands,
              const OutputOptions& options, std::ostream& out, std::ostream& err) {
  for (const auto& c : commands) {
    Status done = runCommand(session, c.words, options, out);
    for (const auto& notice : session.takeNotices()) err << "vlbsh: " << notice << "\n";
    if (!done) {
      err << "vlbsh: " << c.where << ": " << commandText(c.words) << ": " << done.error() << "\n";
      return kExitRefused;
    }
  }
  return kExitOk;
}

}  // namespace vlb::shell
