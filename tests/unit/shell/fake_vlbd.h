// A stand-in for vlbd's control socket in a temp directory: speaks the newline-delimited JSON
// protocol from a thread, keeping sessions open (or closing after each reply, as the first
// control API does), and records what it was asked.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace vlb::shell::testing {

class FakeVlbd {
 public:
  using Handler = std::function<nlohmann::ordered_json(const nlohmann::ordered_json& request)>;

  FakeVlbd(Handler handler, bool one_request_per_connection = false);
  ~FakeVlbd();

  const std::string& socketPath() const { return socket_path_; }
  std::vector<nlohmann::ordered_json> requests() const;
  unsigned connections() const { return connections_; }

 private:
  void run();
  void serve(int fd);

  Handler handler_;
  bool one_shot_;
  std::string dir_, socket_path_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> connections_{0};
  mutable std::mutex mu_;
  std::vector<nlohmann::ordered_json> requests_;
  std::thread thread_;
};

// Replies like a vlbd with a few commands: "show version", "set ..." (marks the candidate
// changed), "commit" (clears it), "fail" (refused), and completion of "show".
// "echo WORDS" returns {"words": [...]}; anything else is an unknown command.
nlohmann::ordered_json typicalReply(const nlohmann::ordered_json& request, bool& candidate_changed);
FakeVlbd::Handler typicalVlbd();  // with its own candidate state

}  // namespace vlb::shell::testing
