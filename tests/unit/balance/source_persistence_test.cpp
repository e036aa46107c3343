// Source-IP persistence: masks, idle timeout with a test clock, LRU eviction, expiry sweep,
// IPv6 and IPv4-mapped addresses, and several threads at once.
#include "l7/balance/source_persistence.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <atomic>
#include <thread>
#include <vector>

namespace vlb::l7::balance {
namespace {

using std::chrono::seconds;

const SteadyTime kT0{};  // the test clock: kT0 + seconds(n)

ClientAddress addr(std::string_view text) {
  auto a = ClientAddress::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(ClientAddress{});
}

std::unique_ptr<SourcePersistence> table(SourcePersistenceConfig c) {
  auto t = SourcePersistence::create(c);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error());
  return t.ok() ? std::move(*t) : nullptr;
}

TEST(ClientAddress, MaskAndMappedV4) {
  EXPECT_EQ(addr("198.51.100.77").masked(24, 64).toString(), "198.51.100.0");
  EXPECT_EQ(addr("198.51.100.77").masked(20, 64).toString(), "198.51.96.0");
  EXPECT_EQ(addr("198.51.100.77").masked(0, 64).toString(), "0.0.0.0");
  EXPECT_EQ(addr("2001:db8:1:2:3:4:5:6").masked(24, 48).toString(), "2001:db8:1::");
  EXPECT_EQ(addr("::ffff:198.51.100.7"), addr("198.51.100.7"));
  EXPECT_FALSE(ClientAddress::parse("198.51.100.300").has_value());
}

TEST(ClientAddress, FromSockaddr) {
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:203.0.113.9", &in6.sin6_addr), 1);
  auto a = ClientAddress::fromSockaddr(reinterpret_cast<const sockaddr*>(&in6));
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->v6);
  EXPECT_EQ(a->toString(), "203.0.113.9");
  sockaddr_in in{};
  in.sin_family = AF_INET;
  ASSERT_EQ(inet_pton(AF_INET, "198.51.100.1", &in.sin_addr), 1);
  EXPECT_EQ(ClientAddress::fromSockaddr(reinterpret_cast<const sockaddr*>(&in))->toString(),
            "198.51.100.1");
}

TEST(SourcePersistence, RemembersByMaskedNetwork) {
  auto t = table({.v4_prefix = 24, .v6_prefix = 64, .timeout = seconds(60)});
  t->remember(addr("198.51.100.10"), 7, kT0);
  EXPECT_EQ(t->lookup(addr("198.51.100.200"), kT0 + seconds(1)), 7u);
  EXPECT_FALSE(t->lookup(addr("198.51.101.10"), kT0 + seconds(1)).has_value());
  t->remember(addr("2001:db8:0:1::5"), 9, kT0);
  EXPECT_EQ(t->lookup(addr("2001:db8:0:1:ffff::1"), kT0), 9u);
  EXPECT_FALSE(t->lookup(addr("2001:db8:0:2::5"), kT0).has_value());
  EXPECT_EQ(t->size(), 2u);
}

TEST(SourcePersistence, IdleTimeoutAndRefreshOnUse) {
  auto t = table({.timeout = seconds(60)});
  t->remember(addr("198.51.100.1"), 1, kT0);
  EXPECT_EQ(t->lookup(addr("198.51.100.1"), kT0 + seconds(60)), 1u);   // refreshed at 60
  EXPECT_EQ(t->lookup(addr("198.51.100.1"), kT0 + seconds(120)), 1u);  // refreshed at 120
  EXPECT_FALSE(t->lookup(addr("198.51.100.1"), kT0 + seconds(181)).has_value());
  EXPECT_EQ(t->size(), 0u);  // the expired entry was removed by the lookup
}

TEST(SourcePersistence, RememberMovesToAnotherReal) {
  auto t = table({});
  t->remember(addr("198.51.100.1"), 1, kT0);
  t->remember(addr("198.51.100.1"), 2, kT0);
  EXPECT_EQ(t->lookup(addr("198.51.100.1"), kT0), 2u);
  EXPECT_EQ(t->size(), 1u);
  t->forget(addr("198.51.100.1"));
  EXPECT_FALSE(t->lookup(addr("198.51.100.1"), kT0).has_value());
}

TEST(SourcePersistence, FullTableEvictsLeastRecentlyUsed) {
  auto t = table({.timeout = seconds(3600), .max_entries = 4, .shards = 1});
  for (int i = 1; i <= 4; ++i)
    t->remember(addr("198.51.100." + std::to_string(i)), uint32_t(i), kT0 + seconds(i));
  EXPECT_EQ(t->lookup(addr("198.51.100.1"), kT0 + seconds(10)), 1u);  // .1 is now the newest
  t->remember(addr("198.51.100.5"), 5, kT0 + seconds(11));            // evicts .2
  EXPECT_EQ(t->size(), 4u);
  EXPECT_FALSE(t->lookup(addr("198.51.100.2"), kT0 + seconds(12)).has_value());
  EXPECT_EQ(t->lookup(addr("198.51.100.1"), kT0 + seconds(12)), 1u);
  EXPECT_EQ(t->lookup(addr("198.51.100.3"), kT0 + seconds(12)), 3u);
  EXPECT_EQ(t->lookup(addr("198.51.100.5"), kT0 + seconds(12)), 5u);
}

TEST(SourcePersistence, BoundHoldsWithManyShards) {
  auto t = table({.timeout = seconds(3600), .max_entries = 64, .shards = 8});
  for (int i = 0; i < 1000; ++i)
    t->remember(addr("198.51." + std::to_string(i / 250) + "." + std::to_string(i % 250)),
                uint32_t(i), kT0);
  EXPECT_LE(t->size(), 64u);
  EXPECT_GE(t->size(), 32u);  // hashing fills most shards
}

TEST(SourcePersistence, ExpireSweepsOnlyIdleEntries) {
  auto t = table({.timeout = seconds(100)});
  for (int i = 0; i < 10; ++i)
    t->remember(addr("203.0.113." + std::to_string(i)), 1, kT0 + seconds(i * 10));
  EXPECT_EQ(t->expire(kT0 + seconds(145)), 5u);  // last used at 0..40 are idle over 100 s
  EXPECT_EQ(t->size(), 5u);
  EXPECT_EQ(t->lookup(addr("203.0.113.5"), kT0 + seconds(145)), 1u);
  EXPECT_EQ(t->expire(kT0 + seconds(1000)), 5u);
  EXPECT_EQ(t->size(), 0u);
}

TEST(SourcePersistence, ConfigErrors) {
  EXPECT_EQ(SourcePersistence::create({.v4_prefix = 33}).error(),
            "source persistence v4_prefix 33: an IPv4 prefix is 0 to 32");
  EXPECT_EQ(SourcePersistence::create({.v6_prefix = 129}).error(),
            "source persistence v6_prefix 129: an IPv6 prefix is 0 to 128");
  EXPECT_EQ(SourcePersistence::create({.timeout = seconds(0)}).error(),
            "source persistence timeout 0: the timeout is at least 1 second");
  EXPECT_EQ(SourcePersistence::create({.shards = 12}).error(),
            "source persistence shards 12: a power of two from 1 to 1024");
  EXPECT_EQ(SourcePersistence::create({.max_entries = 4, .shards = 8}).error(),
            "source persistence max_entries 4: at least one entry per shard");
}

// Several worker threads remember and look up overlapping clients; every lookup must return a
// real that some thread stored for that client, and the bound must hold throughout.
TEST(SourcePersistence, ManyThreadsAtOnce) {
  auto t = table({.v4_prefix = 32, .timeout = seconds(3600), .max_entries = 512, .shards = 8});
  constexpr int kThreads = 6, kOps = 20000, kClients = 1024;
  std::atomic<int> wrong{0}, hits{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int k = 0; k < kOps; ++k) {
        const int client = (k * 7 + w * 131) % kClients;
        const ClientAddress a = *ClientAddress::parse("192.0.2." + std::to_string(client % 256));
        const ClientAddress b = a.masked(32, 64);
        ClientAddress c = b;
        c.bytes[2] = uint8_t(client / 256);  // 192.0.x.y: 1024 distinct clients
        // Real id encodes the client, so a lookup can be checked: id % kClients == client.
        if (auto id = t->lookup(c, kT0 + seconds(k / 100))) {
          hits.fetch_add(1);
          if (int(*id % kClients) != client) wrong.fetch_add(1);
        } else {
          t->remember(c, uint32_t(client + kClients * w), kT0 + seconds(k / 100));
        }
        if (k % 1000 == 0 && t->size() > 512) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_LE(t->size(), 512u);
}

}  // namespace
}  // namespace vlb::l7::balance
