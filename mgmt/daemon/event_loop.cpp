#include "mgmt/daemon/event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

namespace vlb::mgmt {

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::add(int fd, uint32_t events, Callback cb) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  callbacks_[fd] = std::make_shared<Callback>(std::move(cb));
  return true;
}

void EventLoop::remove(int fd) {
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  callbacks_.erase(fd);
}

void EventLoop::runOnce(int timeout_ms) {
  epoll_event events[32];
  const int n = epoll_wait(epfd_, events, 32, timeout_ms);
  for (int i = 0; i < n; ++i) {
    auto it = callbacks_.find(events[i].data.fd);
    if (it == callbacks_.end()) continue;
    auto cb = it->second;
    (*cb)(events[i].events);
  }
}

}  // namespace vlb::mgmt
