// vlbsh's interactive mode: libedit line editing, history in ~/.vlbsh_history (bounded), a
// prompt "[edit] host# " ('#' for root, '>' otherwise; "[edit]" while vlbd says the candidate
// has changes), Tab completion asked from vlbd. `quit`, `exit` and Ctrl-D leave.
#pragma once

#include <string>

#include "mgmt/shell/control_session.h"
#include "mgmt/shell/script.h"

namespace vlb::shell {

constexpr int kHistorySize = 1000;

std::string historyPath();  // $HOME/.vlbsh_history, or the passwd entry's home
std::string promptText(const std::string& host, bool root, bool candidate_changed);

// Returns the exit status.
int runInteractive(ControlSession& session, const OutputOptions& options);

}  // namespace vlb::shell
