#include "datapath/service/service_table.h"

#include <algorithm>
#include <tuple>

namespace vlb::dp {

ServiceTable::ServiceTable(const std::vector<ServiceKey>& keys) : count_(keys.size()) {
  size_t exact_count = 0;
  for (const auto& k : keys) exact_count += k.port_first == k.port_last;
  size_t size = 16;
  while (size < exact_count * 2) size *= 2;
  exact_.resize(size);
  for (const auto& k : keys) {
    vips_.push_back(k.vip);
    if (k.port_first != k.port_last) {
      ranges_.push_back({k.vip, k.protocol, k.port_first, k.port_last, k.service});
      continue;
    }
    const uint64_t key = pack(k.vip, k.protocol, k.port_first);
    Exact& e = exact_[slot(key)];
    if (e.key == 0) e = {key, k.service};
  }
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) {
    return std::tie(a.vip, a.protocol, a.first) < std::tie(b.vip, b.protocol, b.first);
  });
  std::sort(vips_.begin(), vips_.end());
  vips_.erase(std::unique(vips_.begin(), vips_.end()), vips_.end());
}

size_t ServiceTable::slot(uint64_t key) const {
  const size_t mask = exact_.size() - 1;
  size_t i = size_t((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
  while (exact_[i].key != 0 && exact_[i].key != key) i = (i + 1) & mask;
  return i;
}

uint16_t ServiceTable::lookup(uint32_t vip, uint8_t protocol, uint16_t port) const {
  const Exact& e = exact_[slot(pack(vip, protocol, port))];
  if (e.key != 0) return e.service;
  if (ranges_.empty()) return kNone;
  // The last range starting at or below `port` for this (vip, protocol).
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::make_tuple(vip, protocol, port),
                             [](const auto& v, const Range& r) {
                               return v < std::make_tuple(r.vip, r.protocol, r.first);
                             });
  if (it == ranges_.begin()) return kNone;
  --it;
  if (it->vip == vip && it->protocol == protocol && port <= it->last) return it->service;
  return kNone;
}

bool ServiceTable::isVip(uint32_t vip) const {
  return std::binary_search(vips_.begin(), vips_.end(), vip);
}

}  // namespace vlb::dp
