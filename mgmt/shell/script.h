// Scripts for vlbsh: `-c 'cmd; cmd'` and `-f FILE` (one command per line, '#' comments, blank
// lines). The whole script is split first (a quoting mistake runs nothing); then commands run in
// order on one session and the first refusal stops the run, naming where it was.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/shell/control_session.h"
#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {

struct ScriptCommand {
  std::string where;  // "FILE:LINE" or "-c command N"
  Words words;
};

struct OutputOptions {
  bool json = false;  // print results as JSON instead of tables
};

// Exit statuses of vlbsh.
constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;   // vlbd refused a command or could not be reached
constexpr int kExitUsage = 2;     // bad options or a script that does not split

Result<std::vector<ScriptCommand>> parseScriptFile(const std::string& text, const std::string& name);
Result<std::vector<ScriptCommand>> parseCommandString(const std::string& text);

// One command, its result printed on `out`; the error is returned unprinted.
Status runCommand(ControlSession& session, const Words& words, const OutputOptions& options, std::ostream& out);

// Runs the commands in order; stops at the first error, printed on `err` with where it was.
int runScript(ControlSession& session, const std::vector<ScriptCommand>& commands,
              const OutputOptions& options, std::ostream& out, std::ostream& err);

// The words joined for messages: show virtual-service "a b".
std::string commandText(const Words& words);

}  // namespace vlb::shell
