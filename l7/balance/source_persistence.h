// Source-IP persistence for one L7 service: client network (address masked to a prefix) -> real
// id, with an idle timeout, shared by the worker threads. The table is split into shards, each
// with its own mutex, LRU list and share of the size bound; when a shard is full its least
// recently used entry makes room. Time is passed in (steady clock), so tests control it.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "l7/balance/client_address.h"
#include "mgmt/common/result.h"

namespace vlb::l7::balance {

using SteadyTime = std::chrono::steady_clock::time_point;

struct SourcePersistenceConfig {
  uint8_t v4_prefix = 32;  // 24: a /24 of clients shares one real
  uint8_t v6_prefix = 64;
  std::chrono::seconds timeout{1800};  // idle time after which an entry is forgotten
  uint32_t max_entries = 65536;
  uint32_t shards = 16;  // a power of two
};

class SourcePersistence {
 public:
  // Errors name the field and value: source persistence v4_prefix 33: ...
  static Result<std::unique_ptr<SourcePersistence>> create(const SourcePersistenceConfig& config);

  // The real remembered for the client's network, refreshing its idle timer; an expired entry is
  // removed and not returned.
  std::optional<uint32_t> lookup(const ClientAddress& client, SteadyTime now);
  // Records (or moves) the client's network to `real_id`.
  void remember(const ClientAddress& client, uint32_t real_id, SteadyTime now);
  void forget(const ClientAddress& client);
  // Removes entries idle for longer than the timeout; returns how many. For a housekeeping timer.
  size_t expire(SteadyTime now);
  size_t size() const;
  const SourcePersistenceConfig& config() const { return config_; }

 private:
  struct Entry {
    ClientAddress key;
    uint32_t real_id;
    SteadyTime last_used;
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // front: least recently used
    std::unordered_map<ClientAddress, std::list<Entry>::iterator, ClientAddressHash> index;
    SteadyTime clock{};  // latest time seen: keeps the LRU list ordered by time
  };

  explicit SourcePersistence(const SourcePersistenceConfig& config);
  Shard& shardFor(const ClientAddress& key, size_t hash);
  bool expired(const Entry& e, SteadyTime now) const { return now - e.last_used > config_.timeout; }

  SourcePersistenceConfig config_;
  uint32_t per_shard_limit_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace vlb::l7::balance
