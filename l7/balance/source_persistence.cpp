// Sharded source-IP persistence table.
#include "l7/balance/source_persistence.h"

#include <algorithm>

namespace vlb::l7::balance {

Result<std::unique_ptr<SourcePersistence>> SourcePersistence::create(
    const SourcePersistenceConfig& c) {
  auto bad = [](std::string_view field, uint64_t value, std::string_view why) {
    return fail("source persistence " + std::string(field) + " " + std::to_string(value) + ": " +
                std::string(why));
  };
  if (c.v4_prefix > 32) return bad("v4_prefix", c.v4_prefix, "an IPv4 prefix is 0 to 32");
  if (c.v6_prefix > 128) return bad("v6_prefix", c.v6_prefix, "an IPv6 prefix is 0 to 128");
  if (c.timeout.count() <= 0)
    return bad("timeout", uint64_t(std::max<int64_t>(0, c.timeout.count())),
               "the timeout is at least 1 second");
  if (c.shards == 0 || c.shards > 1024 || (c.shards & (c.shards - 1)) != 0)
    return bad("shards", c.shards, "a power of two from 1 to 1024");
  if (c.max_entries < c.shards)
    return bad("max_entries", c.max_entries, "at least one entry per shard");
  return std::unique_ptr<SourcePersistence>(new SourcePersistence(c));
}

SourcePersistence::SourcePersistence(const SourcePersistenceConfig& config)
    : config_(config),
      per_shard_limit_(config.max_entries / config.shards),
      shards_(std::make_unique<Shard[]>(config.shards)) {
  for (uint32_t s = 0; s < config_.shards; ++s)
    shards_[s].index.reserve(std::min<uint32_t>(per_shard_limit_, 4096));
}

SourcePersistence::Shard& SourcePersistence::shardFor(const ClientAddress&, size_t hash) {
  // High bits pick the shard; the map inside uses the whole hash.
  return shards_[(hash >> 48) & (config_.shards - 1)];
}

std::optional<uint32_t> SourcePersistence::lookup(const ClientAddress& client, SteadyTime now) {
  const ClientAddress key = client.masked(config_.v4_prefix, config_.v6_prefix);
  Shard& shard = shardFor(key, ClientAddressHash{}(key));
  std::lock_guard lock(shard.mutex);
  shard.clock = std::max(shard.clock, now);
  auto it = shard.index.find(key);
  if (it == shard.index.end()) return std::nullopt;
  auto entry = it->second;
  if (expired(*entry, now)) {
    shard.lru.erase(entry);
    shard.index.erase(it);
    return std::nullopt;
  }
  entry->last_used = shard.clock;
  shard.lru.splice(shard.lru.end(), shard.lru, entry);
  return entry->real_id;
}

void SourcePersistence::remember(const ClientAddress& client, uint32_t real_id, SteadyTime now) {
  const ClientAddress key = client.masked(config_.v4_prefix, config_.v6_prefix);
  Shard& shard = shardFor(key, ClientAddressHash{}(key));
  std::lock_guard lock(shard.mutex);
  shard.clock = std::max(shard.clock, now);
  if (auto it = shard.index.find(key); it != shard.index.end()) {
    it->second->real_id = real_id;
    it->second->last_used = shard.clock;
    shard.lru.splice(shard.lru.end(), shard.lru, it->second);
    return;
  }
  if (shard.index.size() >= per_shard_limit_) {  // full: the least recently used goes
    shard.index.erase(shard.lru.front().key);
    shard.lru.pop_front();
  }
  shard.lru.push_back({key, real_id, shard.clock});
  shard.index.emplace(key, std::prev(shard.lru.end()));
}

void SourcePersistence::forget(const ClientAddress& client) {
  const ClientAddress key = client.masked(config_.v4_prefix, config_.v6_prefix);
  Shard& shard = shardFor(key, ClientAddressHash{}(key));
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.index.find(key); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
}

size_t SourcePersistence::expire(SteadyTime now) {
  size_t removed = 0;
  for (uint32_t s = 0; s < config_.shards; ++s) {
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mutex);
    // The list is ordered by last use, so the expired entries are a prefix of it.
    while (!shard.lru.empty() && expired(shard.lru.front(), now)) {
      shard.index.erase(shard.lru.front().key);
      shard.lru.pop_front();
      ++removed;
    }
  }
  return removed;
}

size_t SourcePersistence::size() const {
  size_t total = 0;
  for (uint32_t s = 0; s < config_.shards; ++s) {
    std::lock_guard lock(shards_[s].mutex);
    total += shards_[s].index.size();
  }
  return total;
}

}  // namespace vlb::l7::balance
