// FakeVlbd: one thread, poll with timeouts, bounded waits everywhere.
#include "fake_vlbd.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

namespace vlb::shell::testing {

using json = nlohmann::ordered_json;

FakeVlbd::FakeVlbd(Handler handler, bool one_request_per_connection)
    : handler_(std::move(handler)), one_shot_(one_request_per_connection) {
  std::string pattern = (std::filesystem::temp_directory_path() / "vlbsh-test-XXXXXX").string();
  dir_ = mkdtemp(pattern.data());
  socket_path_ = dir_ + "/vlbd.sock";
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path_.c_str(), sizeof addr.sun_path - 1);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 8) != 0)
    std::abort();  // a test fixture that cannot listen cannot test anything
  thread_ = std::thread([this] { run(); });
}

FakeVlbd::~FakeVlbd() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
  std::filesystem::remove_all(dir_);
}

std::vector<json> FakeVlbd::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void FakeVlbd::run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    serve(fd);
    close(fd);
  }
}

// One client at a time is enough: vlbsh holds one connection.
void FakeVlbd::serve(int fd) {
  std::string in;
  while (!stop_) {
    size_t eol;
    while ((eol = in.find('\n')) != std::string::npos) {
      auto request = json::parse(in.substr(0, eol), nullptr, false);
      in.erase(0, eol + 1);
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(request);
      }
      const std::string reply = handler_(request).dump() + "\n";
      if (send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) != ssize_t(reply.size())) return;
      if (one_shot_) return;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return;
    in.append(buf, size_t(n));
  }
}

FakeVlbd::Handler typicalVlbd() {
  auto changed_state = std::make_shared<bool>(false);
  return [changed_state](const json& request) { return typicalReply(request, *changed_state); };
}

json typicalReply(const json& request, bool& changed) {
  if (request.contains("complete")) {
    const std::string line = request["complete"];
    if (line.starts_with("show ")) return {{"ok", true}, {"result", {"version", "virtual-services", "virtual-service"}}};
    return {{"ok", true}, {"result", json::array()}};
  }
  if (!request.contains("command") || !request["command"].is_array())
    return {{"ok", false}, {"error", "bad request: expected {\"command\": [words…]}"}};
  const auto& words = request["command"];
  const std::string first = words.empty() ? "" : words[0].get<std::string>();
  if (first == "show" && words.size() == 2 && words[1] == "version")
    return {{"ok", true}, {"result", {{"version", "0.1.0"}, {"lcores", 1}}}};
  if (first == "set") {
    changed = true;
    return {{"ok", true}, {"result", nullptr}, {"candidate_changed", true}};
  }
  if (first == "commit") {
    changed = false;
    return {{"ok", true}, {"result", {{"lines", {"commit complete"}}}}, {"candidate_changed", false}};
  }
  if (first == "echo") {
    json rest = json::array();
    for (size_t i = 1; i < words.size(); ++i) rest.push_back(words[i]);
    return {{"ok", true}, {"result", {{"words", rest}}}};
  }
  return {{"ok", false}, {"error", "unknown command \"" + first + "\"; try \"help\""}, {"candidate_changed", changed}};
}

}  // namespace vlb::shell::testing
