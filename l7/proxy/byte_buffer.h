// A growable byte queue for socket data: append at the back, consume at the front, compact when
// room is needed. Its capacity is charged to a BufferAccount so that the engine can report (and
// tests can bound) the memory held by buffers; release() gives the memory back when empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace vlb::l7::proxy {

// Buffer bytes held by one worker: written by that worker only, read by anyone.
struct BufferAccount {
  std::atomic<uint64_t> current{0};
  std::atomic<uint64_t> peak{0};
  void add(int64_t delta) {
    const uint64_t now = current.load(std::memory_order_relaxed) + uint64_t(delta);
    current.store(now, std::memory_order_relaxed);
    if (now > peak.load(std::memory_order_relaxed)) peak.store(now, std::memory_order_relaxed);
  }
};

class ByteBuffer {
 public:
  explicit ByteBuffer(BufferAccount* account = nullptr) : account_(account) {}
  ~ByteBuffer() { release(true); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  std::string_view view() const { return {data_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }

  void consume(size_t n);
  // Room for at least `n` more bytes at the back; write there, then commit() what was written.
  char* reserve(size_t n);
  void commit(size_t n) { end_ += n; }
  void append(std::string_view bytes);
  void clear() { begin_ = end_ = 0; }
  // Frees the memory when nothing is buffered (or always, with force).
  void release(bool force = false);

 private:
  BufferAccount* account_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace vlb::l7::proxy
