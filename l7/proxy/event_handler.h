// What a worker's epoll loop and timer queue call back. Objects are never deleted while a batch
// of events may still name them: the worker retires them (`dead`) and frees them after the batch.
#pragma once

#include <cstdint>
#include <limits>
#include <map>

namespace vlb::l7::proxy {

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void onEvents(uint32_t events) = 0;
  bool dead = false;
  bool registered = false;         // in the worker's epoll set
  uint32_t registered_events = 0;  // what epoll watches for now
};

// One deadline per object. The owner moves `deadline` freely (no allocation); the queue holds one
// entry per object at the time it was armed and re-arms it when it fires early.
class TimerTarget {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  virtual ~TimerTarget() = default;
  virtual void onTimer(int64_t now_ms) = 0;
  int64_t deadline = kNever;

 private:
  friend class TimerQueue;
  std::multimap<int64_t, TimerTarget*>::iterator entry_;
  bool armed_ = false;
};

class TimerQueue {
 public:
  // Makes sure `t` fires no later than t->deadline.
  void update(TimerTarget* t) {
    if (t->deadline == TimerTarget::kNever) return;
    if (t->armed_) {
      if (t->entry_->first <= t->deadline) return;  // fires earlier and re-arms then
      entries_.erase(t->entry_);
    }
    t->entry_ = entries_.emplace(t->deadline, t);
    t->armed_ = true;
  }
  void remove(TimerTarget* t) {
    if (t->armed_) entries_.erase(t->entry_);
    t->armed_ = false;
  }
  int64_t next() const { return entries_.empty() ? TimerTarget::kNever : entries_.begin()->first; }
  // Calls onTimer for every target whose deadline has passed; bounded by the entries present.
  void expire(int64_t now) {
    for (size_t budget = entries_.size(); budget > 0 && !entries_.empty(); --budget) {
      auto it = entries_.begin();
      if (it->first > now) break;
      TimerTarget* t = it->second;
      entries_.erase(it);
      t->armed_ = false;
      if (t->deadline <= now)
        t->onTimer(now);
      else
        update(t);
    }
  }

 private:
  std::multimap<int64_t, TimerTarget*> entries_;
};

}  // namespace vlb::l7::proxy
