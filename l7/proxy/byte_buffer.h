// A growable byte queue for socket data: append at the back, consume at the front, compact when
// room is needed. Its capacity is charged to a BufferAccount so that the engine can report (and
// tests can bound) the memory held by buffers; release() gives the memory back when empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace vlb::l7::proxy {

// Buffer bytes held by one worker: written by that worker only, read by anyone. It also keeps a
// few freed blocks (4 to 64 KiB, at most kSparePerSize of each size, worker thread only) so that
// a keep-alive connection, which gives its buffers back after every exchange, does not cost a
// malloc/free pair per buffer per request. At most kSpareBytes are kept; they are not counted in
// `current`.
struct BufferAccount {
  static constexpr size_t kSmallest = 4096;
  static constexpr size_t kSizes = 5;  // 4, 8, 16, 32, 64 KiB
  static constexpr size_t kSparePerSize = 64;
  static constexpr size_t kSpareBytes = 2 << 20;

  std::atomic<uint64_t> current{0};
  std::atomic<uint64_t> peak{0};
  void add(int64_t delta) {
    const uint64_t now = current.load(std::memory_order_relaxed) + uint64_t(delta);
    current.store(now, std::memory_order_relaxed);
    if (now > peak.load(std::memory_order_relaxed)) peak.store(now, std::memory_order_relaxed);
  }
  // A spare block of exactly `size` bytes, or null.
  std::unique_ptr<char[]> takeSpare(size_t size);
  // Keeps the block for takeSpare() when there is room, else frees it.
  void giveSpare(std::unique_ptr<char[]> block, size_t size);

 private:
  static int sizeIndex(size_t size);
  std::unique_ptr<char[]> spare_[kSizes][kSparePerSize];
  uint8_t spare_count_[kSizes] = {};
  size_t spare_bytes_ = 0;
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

  void consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Room for at least `n` more bytes at the back; write there, then commit() what was written.
  // Inline when there is room (a head is written in a dozen appends), else makeRoom().
  char* reserve(size_t n) { return capacity_ - end_ >= n ? data_.get() + end_ : makeRoom(n); }
  void commit(size_t n) { end_ += n; }
  void append(std::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(reserve(bytes.size()), bytes.data(), bytes.size());
    commit(bytes.size());
  }
  void clear() { begin_ = end_ = 0; }
  // Exchanges contents with another buffer of the same account (moves data without copying).
  void swap(ByteBuffer& other) {
    std::swap(data_, other.data_);
    std::swap(capacity_, other.capacity_);
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
  }
  // Frees the memory when nothing is buffered (or always, with force).
  void release(bool force = false);

 private:
  char* makeRoom(size_t n);  // compacts or grows

  BufferAccount* account_;
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace vlb::l7::proxy
