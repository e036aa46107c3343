// ControlSession: vlbsh's one connection to vlbd for a whole session, so that a candidate
// configuration kept by the server lives as long as the shell. Newline-delimited JSON:
//   {"command": [words…]}           → {"ok": true, "result": …} | {"ok": false, "error": "…"}
//   {"complete": "<line so far>"}   → {"ok": true, "result": ["candidate", …]}
// A reply may carry "candidate_changed": true|false (the [edit] mark of the prompt).
// A vlbd that closes the connection after each reply (the first control API) still works: the
// session reconnects before the next request; one that does not know "complete" gives no
// candidates, and is not asked again.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgmt/common/result.h"
#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {

class ControlSession {
 public:
  explicit ControlSession(std::string socket_path,
                          std::chrono::milliseconds reply_timeout = std::chrono::seconds(30));
  ~ControlSession();
  ControlSession(const ControlSession&) = delete;
  ControlSession& operator=(const ControlSession&) = delete;

  // Runs one command; the error is vlbd's refusal or why vlbd could not be asked.
  Result<nlohmann::ordered_json> call(const Words& words);

  // Candidates for the word being typed at the end of `line`; none when vlbd cannot tell.
  std::vector<std::string> complete(const std::string& line);

  bool candidateChanged() const { return candidate_changed_; }
  bool completionSupported() const { return completion_supported_; }
  // Messages for the person: the session was lost with candidate changes in it, and so on.
  std::vector<std::string> takeNotices();
  // How many times the session had to connect (1 for a server that keeps sessions open).
  unsigned connects() const { return connects_; }

 private:
  Status ensureConnected();
  Result<nlohmann::ordered_json> exchange(const nlohmann::ordered_json& request);
  Result<nlohmann::ordered_json> exchangeOnce(const nlohmann::ordered_json& request, bool* retryable);
  void disconnect();
  void sessionLost();  // disconnects, and says so if the session held candidate changes

  std::string path_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string pending_;  // bytes after the last reply line
  unsigned answered_on_fd_ = 0;
  bool candidate_changed_ = false;
  bool completion_supported_ = true;
  unsigned connects_ = 0;
  std::vector<std::string> notices_;
};

}  // namespace vlb::shell
