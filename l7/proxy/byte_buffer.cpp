// ByteBuffer growth, compaction and accounting.
#include "l7/proxy/byte_buffer.h"

#include <cstring>

namespace vlb::l7::proxy {

int BufferAccount::sizeIndex(size_t size) {
  for (size_t i = 0, s = kSmallest; i < kSizes; ++i, s *= 2)
    if (s == size) return int(i);
  return -1;
}

std::unique_ptr<char[]> BufferAccount::takeSpare(size_t size) {
  const int i = sizeIndex(size);
  if (i < 0 || spare_count_[i] == 0) return nullptr;
  spare_bytes_ -= size;
  return std::move(spare_[i][--spare_count_[i]]);
}

void BufferAccount::giveSpare(std::unique_ptr<char[]> block, size_t size) {
  const int i = sizeIndex(size);
  if (i < 0 || spare_count_[i] == kSparePerSize || spare_bytes_ + size > kSpareBytes) return;
  spare_bytes_ += size;
  spare_[i][spare_count_[i]++] = std::move(block);  // else freed here
}

char* ByteBuffer::makeRoom(size_t n) {
  const size_t used = end_ - begin_;
  if (begin_ > 0 && capacity_ - used >= n) {
    std::memmove(data_.get(), data_.get() + begin_, used);  // offsets from begin stay valid
    begin_ = 0;
    end_ = used;
    return data_.get() + end_;
  }
  size_t grown = capacity_ ? capacity_ * 2 : 4096;
  while (grown < used + n) grown *= 2;
  std::unique_ptr<char[]> bigger = account_ ? account_->takeSpare(grown) : nullptr;
  if (!bigger) bigger.reset(new char[grown]);
  if (used) std::memcpy(bigger.get(), data_.get() + begin_, used);
  if (account_) {
    account_->add(int64_t(grown) - int64_t(capacity_));
    if (data_) account_->giveSpare(std::move(data_), capacity_);
  }
  data_ = std::move(bigger);
  capacity_ = grown;
  begin_ = 0;
  end_ = used;
  return data_.get() + end_;
}

void ByteBuffer::release(bool force) {
  if (!data_ || (!force && !empty())) return;
  if (account_) {
    account_->add(-int64_t(capacity_));
    account_->giveSpare(std::move(data_), capacity_);
  }
  data_.reset();
  capacity_ = begin_ = end_ = 0;
}

}  // namespace vlb::l7::proxy
