// The control thread's epoll loop: file descriptors with callbacks, and a tick for polling work.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace vlb::mgmt {

class EventLoop {
 public:
  using Callback = std::function<void(uint32_t events)>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool ok() const { return epfd_ >= 0; }
  bool add(int fd, uint32_t events, Callback cb);
  void remove(int fd);

  // Waits at most `timeout_ms` for events and runs their callbacks once.
  void runOnce(int timeout_ms);

 private:
  int epfd_;
  // shared_ptr: a callback may remove its own fd while it runs.
  std::map<int, std::shared_ptr<Callback>> callbacks_;
};

}  // namespace vlb::mgmt
