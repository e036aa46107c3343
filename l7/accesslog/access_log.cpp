// AccessLog: per-slot buffers, a writer thread, reopen for rotation (see access_log.h).
#include "l7/accesslog/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "l7/accesslog/line_format.h"

namespace vlb::l7::accesslog {
namespace {

int openLogFile(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

// Writes all of `data`; false on an error other than EINTR.
bool writeAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path,
                                                   const AccessLogOptions& options) {
  if (options.slots == 0) return fail("access log " + path + ": slots must be at least 1, not 0");
  const int fd = openLogFile(path);
  if (fd < 0) return fail("access log: cannot open file '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<AccessLog>(new AccessLog(path, fd, options));
}

AccessLog::AccessLog(std::string path, int fd, const AccessLogOptions& options)
    : path_(std::move(path)), options_(options), fd_(fd) {
  for (unsigned i = 0; i < options_.slots; ++i) slots_.push_back(std::make_unique<Slot>());
  writer_ = std::thread([this] { writerLoop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  flush();
  if (fd_ >= 0) ::close(fd_);
}

void AccessLog::write(unsigned slot, const AccessRecord& record) {
  Slot& s = *slots_[slot % slots_.size()];
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.buffer.size() >= options_.max_buffered_bytes) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    appendLine(record, &s.buffer);
    ++s.lines;
    wake = s.buffer.size() >= options_.wake_bytes;
  }
  if (wake) {
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      wake_requested_ = true;
    }
    wake_.notify_one();
  }
}

void AccessLog::drainSlots() {
  for (auto& slot : slots_) {
    uint64_t lines = 0;
    {
      std::lock_guard<std::mutex> lock(slot->mu);
      if (slot->buffer.empty()) continue;
      spare_.clear();
      spare_.swap(slot->buffer);  // the worker keeps appending into the (empty) spare capacity
      lines = slot->lines;
      slot->lines = 0;
    }
    if (fd_ >= 0 && writeAll(fd_, spare_))
      written_.fetch_add(lines, std::memory_order_relaxed);
    else
      write_errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void AccessLog::writerLoop() {
  std::unique_lock<std::mutex> lock(wake_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms),
                   [this] { return stopping_ || wake_requested_; });
    wake_requested_ = false;
    lock.unlock();
    {
      std::lock_guard<std::mutex> file_lock(file_mu_);
      drainSlots();
    }
    lock.lock();
  }
}

void AccessLog::flush() {
  std::lock_guard<std::mutex> file_lock(file_mu_);
  drainSlots();
}

Status AccessLog::reopen() {
  std::lock_guard<std::mutex> file_lock(file_mu_);
  drainSlots();  // what was logged before the rotation belongs to the old file
  const int fd = openLogFile(path_);
  if (fd < 0)
    return fail("access log: cannot reopen file '" + path_ + "': " + std::strerror(errno));
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  return Ok{};
}

}  // namespace vlb::l7::accesslog
