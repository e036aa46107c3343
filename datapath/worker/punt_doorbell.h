// Wakes the control thread when a datapath lcore punts a packet while it sleeps.
//
// The control thread drains the punt rings and otherwise sleeps in epoll. Before sleeping it
// arms the bell and looks at the rings once more; a worker that queued packets rings the bell
// (one eventfd write) only when it finds it armed, so a busy exception path costs the datapath a
// fence and a load per flush, not a system call. The two fences (arm, then look at the rings;
// enqueue, then look at the bell) make sure one side sees the other: no punt waits for a timeout.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace vlb::dp {

class PuntDoorbell {
 public:
  PuntDoorbell() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~PuntDoorbell() {
    if (fd_ >= 0) close(fd_);
  }
  PuntDoorbell(const PuntDoorbell&) = delete;
  PuntDoorbell& operator=(const PuntDoorbell&) = delete;

  // The eventfd the control thread's epoll watches; -1 if it could not be created.
  int fd() const { return fd_; }

  // Control thread, before looking at the rings a last time and sleeping.
  void arm() {
    armed_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  // Control thread, when it does not sleep after all (the rings had packets) or woke up.
  void disarm() { armed_.store(false, std::memory_order_relaxed); }
  // Control thread, when the eventfd is readable.
  void clear() {
    uint64_t count;
    while (read(fd_, &count, sizeof count) == sizeof count) {
    }
  }

  // A worker, after queueing packets on its punt ring.
  void ring() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!armed_.load(std::memory_order_relaxed) || !armed_.exchange(false)) return;
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(fd_, &one, sizeof one);
  }

 private:
  int fd_;
  std::atomic<bool> armed_{false};
};

}  // namespace vlb::dp
