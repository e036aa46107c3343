// The access log file: workers hand finished exchanges to write(), which formats the line into
// that worker's own buffer (a short, uncontended lock) and never touches the file; a writer thread
// appends the buffers to the file (O_APPEND, whole lines) every flush interval or when a buffer
// passes a threshold. reopen() is for log rotation (SIGHUP): the next lines go to a fresh file of
// the same path.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "l7/accesslog/access_record.h"
#include "mgmt/common/result.h"

namespace vlb::l7::accesslog {

struct AccessLogOptions {
  unsigned slots = 1;                           // one per worker thread
  uint32_t flush_interval_ms = 200;             // how often the writer thread writes
  size_t wake_bytes = 64 * 1024;                // a buffer this full wakes the writer early
  size_t max_buffered_bytes = 8 * 1024 * 1024;  // per slot; lines beyond are dropped and counted
};

class AccessLog {
 public:
  static Result<std::unique_ptr<AccessLog>> open(const std::string& path,
                                                 const AccessLogOptions& options = {});
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Any thread; `slot` < options.slots, one slot per thread for a lock nobody else wants.
  void write(unsigned slot, const AccessRecord& record);
  // Reopens the path (after rotation moved the old file away). Lines buffered before the call go
  // to the old file.
  Status reopen();
  // Writes everything buffered so far before returning (tests, shutdown).
  void flush();

  uint64_t linesWritten() const { return written_.load(std::memory_order_relaxed); }
  uint64_t linesDropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t writeErrors() const { return write_errors_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::mutex mu;
    std::string buffer;
    uint64_t lines = 0;
  };
  AccessLog(std::string path, int fd, const AccessLogOptions& options);
  void writerLoop();
  void drainSlots();  // under file_mu_

  std::string path_;
  AccessLogOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::mutex file_mu_;  // the fd and the writing of it
  int fd_ = -1;
  std::string spare_;  // writer's swap buffer
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool wake_requested_ = false;
  bool stopping_ = false;
  std::atomic<uint64_t> written_{0}, dropped_{0}, write_errors_{0};
  std::thread writer_;
};

}  // namespace vlb::l7::accesslog
