// vlbd's log: one line per event on stderr (journald or the terminal takes it from there), and
// the newest lines kept in memory for `show log`.
#pragma once

#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace vlb::mgmt {

class LogRing {
 public:
  static constexpr size_t kLines = 1000;
  static LogRing& instance() {
    static LogRing ring;
    return ring;
  }
  void add(std::string line) {
    std::lock_guard lock(mutex_);
    if (lines_.size() == kLines) lines_.pop_front();
    lines_.push_back(std::move(line));
  }
  std::vector<std::string> last(size_t n) const {
    std::lock_guard lock(mutex_);
    n = std::min(n, lines_.size());
    return {lines_.end() - long(n), lines_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::deque<std::string> lines_;
};

inline void logLine(const std::string& line) {
  std::fprintf(stderr, "vlbd: %s\n", line.c_str());
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
  LogRing::instance().add(std::string(stamp) + " " + line);
}

}  // namespace vlb::mgmt
