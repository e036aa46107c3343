// Selection: cookie, source and cookie-then-source persistence on top of the scheduler; fallback
// and replacement of a persisted real that is down or removed; no real available.
#include "l7/balance/selector.h"

#include <gtest/gtest.h>

#include "l7/http/request_parser.h"

namespace vlb::l7::balance {
namespace {

using std::chrono::seconds;

constexpr std::string_view kSecret = "appliance-secret-for-tests-0001";
constexpr int64_t kUnixNow = 1'800'000'000;

struct Fixture {
  Fixture(PersistMode mode, Algorithm algorithm = Algorithm::kRr,
          std::vector<RealSpec> reals = {
              {10, 1, true, "a"}, {20, 1, true, "b"}, {30, 1, true, "c"}}) {
    pool = std::move(*Pool::create("web", algorithm, reals));
    codec = std::make_unique<CookieCodec>(std::move(*CookieCodec::create(kSecret)));
    source = std::move(*SourcePersistence::create({.v4_prefix = 24, .timeout = seconds(600)}));
    SelectorConfig config{mode, "svc-owa", {}};
    config.cookie.max_age = 3600;
    auto s = Selector::create(config, pool.get(), codec.get(), source.get());
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error());
    selector = std::make_unique<Selector>(std::move(*s));
  }

  Selection select(std::optional<std::string_view> cookie, std::string_view client_ip = "",
                   int64_t unix_now = kUnixNow, SteadyTime now = SteadyTime{}) {
    std::optional<ClientAddress> client;
    if (!client_ip.empty()) client = ClientAddress::parse(client_ip);
    return selector->select({cookie, client ? &*client : nullptr, now, unix_now});
  }

  std::string cookieValueFor(uint32_t real_id, uint32_t expiry = 0) {
    return codec->encode("svc-owa", {real_id, expiry});
  }

  std::unique_ptr<Pool> pool;
  std::unique_ptr<CookieCodec> codec;
  std::unique_ptr<SourcePersistence> source;
  std::unique_ptr<Selector> selector;
};

// The value of the VLBSRV cookie inside a Set-Cookie value.
std::string valueOf(const std::optional<std::string>& set_cookie) {
  if (!set_cookie) return {};
  const size_t eq = set_cookie->find('='), semi = set_cookie->find(';');
  return set_cookie->substr(eq + 1, semi - eq - 1);
}

TEST(Selector, NoPersistenceJustSchedules) {
  Fixture f(PersistMode::kNone);
  const Selection a = f.select(f.cookieValueFor(20), "198.51.100.1");
  const Selection b = f.select(std::nullopt, "198.51.100.1");
  EXPECT_EQ(a.hit, PersistHit::kNone);
  EXPECT_FALSE(a.set_cookie.has_value());
  EXPECT_NE(a.real, b.real);  // round robin moved on
  EXPECT_EQ(f.source->size(), 0u);
}

TEST(Selector, CookieIssuedThenHonoured) {
  Fixture f(PersistMode::kCookie);
  const Selection first = f.select(std::nullopt);
  ASSERT_NE(first.real, kNoReal);
  EXPECT_EQ(first.hit, PersistHit::kNone);
  ASSERT_TRUE(first.set_cookie.has_value());
  EXPECT_TRUE(first.set_cookie->starts_with("VLBSRV="));
  EXPECT_NE(first.set_cookie->find("; Max-Age=3600; Secure; HttpOnly"), std::string::npos);
  const std::string value = valueOf(first.set_cookie);
  for (int k = 0; k < 10; ++k) {
    const Selection again = f.select(value);
    EXPECT_EQ(again.real, first.real);
    EXPECT_EQ(again.hit, PersistHit::kCookie);
    EXPECT_FALSE(again.set_cookie.has_value());  // still fresh: not re-sent
  }
}

TEST(Selector, CookieFoundInRequestHead) {
  Fixture f(PersistMode::kCookie);
  const std::string raw =
      "GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nCookie: VLBSRV=" + f.cookieValueFor(30) +
      "; b=2\r\n\r\n";
  http::RequestParser parser;
  ASSERT_EQ(parser.parse(raw).status, http::ParseStatus::kDone);
  const Selection s = f.select(findCookie(parser.head().fields, "VLBSRV"));
  EXPECT_EQ(s.hit, PersistHit::kCookie);
  EXPECT_EQ(f.pool->idOf(s.real), 30u);
}

TEST(Selector, CookieRenewedAfterHalfItsLife) {
  Fixture f(PersistMode::kCookie);
  const std::string old = f.cookieValueFor(20, uint32_t(kUnixNow + 1000));  // 1000 s < 3600/2
  const Selection s = f.select(old);
  EXPECT_EQ(s.hit, PersistHit::kCookie);
  ASSERT_TRUE(s.set_cookie.has_value());
  const auto renewed = f.codec->verify(valueOf(s.set_cookie), "svc-owa", kUnixNow);
  ASSERT_TRUE(renewed.has_value());
  EXPECT_EQ(renewed->real_id, 20u);
  EXPECT_EQ(renewed->expiry, uint32_t(kUnixNow + 3600));
}

TEST(Selector, CookieOfPreviousSecretHonouredAndReissued) {
  Fixture f(PersistMode::kCookie);
  const std::string old_value = f.cookieValueFor(20);
  // The appliance secret is rotated: the selector now uses a codec with the old one as previous.
  auto rotated = CookieCodec::create("rotated-appliance-secret-000002", kSecret);
  ASSERT_TRUE(rotated.ok());
  *f.codec = std::move(*rotated);
  const Selection s = f.select(old_value);
  EXPECT_EQ(s.hit, PersistHit::kCookie);
  EXPECT_EQ(f.pool->idOf(s.real), 20u);
  ASSERT_TRUE(s.set_cookie.has_value());
  const auto reissued = f.codec->verify(valueOf(s.set_cookie), "svc-owa", kUnixNow);
  ASSERT_TRUE(reissued.has_value());
  EXPECT_FALSE(reissued->previous_secret);
  EXPECT_EQ(reissued->real_id, 20u);
}

TEST(Selector, TamperedForeignAndExpiredCookiesFallBackToScheduling) {
  Fixture f(PersistMode::kCookie);
  std::string tampered = f.cookieValueFor(20);
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  const std::string foreign = f.codec->encode("svc-lync", {20, 0});
  const std::string expired = f.cookieValueFor(20, uint32_t(kUnixNow - 1));
  for (const std::string& bad : {tampered, foreign, expired, std::string("192.0.2.20")}) {
    const Selection s = f.select(bad);
    EXPECT_TRUE(s.cookie_rejected) << bad;
    EXPECT_EQ(s.hit, PersistHit::kNone);
    ASSERT_NE(s.real, kNoReal);
    EXPECT_TRUE(s.set_cookie.has_value());  // replaced by a genuine one
    EXPECT_TRUE(f.codec->verify(valueOf(s.set_cookie), "svc-owa", kUnixNow).has_value());
  }
}

TEST(Selector, CookieForDownRealIsReplaced) {
  Fixture f(PersistMode::kCookie);
  f.pool->setUp(f.pool->indexOf(20), false);
  const Selection s = f.select(f.cookieValueFor(20));
  EXPECT_TRUE(s.replaced);
  EXPECT_EQ(s.hit, PersistHit::kNone);
  ASSERT_NE(s.real, kNoReal);
  EXPECT_NE(f.pool->idOf(s.real), 20u);
  const auto claim = f.codec->verify(valueOf(s.set_cookie), "svc-owa", kUnixNow);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->real_id, f.pool->idOf(s.real));
  // The new cookie sticks to the new real.
  EXPECT_EQ(f.select(valueOf(s.set_cookie)).real, s.real);
}

TEST(Selector, CookieForRemovedRealIsReplaced) {
  Fixture f(PersistMode::kCookie);
  const Selection s = f.select(f.cookieValueFor(99));  // genuine, but real 99 left the pool
  EXPECT_FALSE(s.cookie_rejected);
  EXPECT_TRUE(s.replaced);
  EXPECT_NE(s.real, kNoReal);
}

TEST(Selector, DrainedRealKeepsItsPersistentClients) {
  Fixture f(PersistMode::kCookie, Algorithm::kRr, {{10, 1, true, "a"}, {20, 0, true, "drained"}});
  const Selection s = f.select(f.cookieValueFor(20));
  EXPECT_EQ(s.hit, PersistHit::kCookie);
  EXPECT_EQ(f.pool->idOf(s.real), 20u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(f.pool->idOf(f.select(std::nullopt).real), 10u);
}

TEST(Selector, SourcePersistenceByNetwork) {
  Fixture f(PersistMode::kSource);
  const Selection first = f.select(std::nullopt, "198.51.100.10");
  EXPECT_EQ(first.hit, PersistHit::kNone);
  EXPECT_FALSE(first.set_cookie.has_value());
  for (int k = 0; k < 5; ++k) {
    const Selection again = f.select(std::nullopt, "198.51.100." + std::to_string(20 + k));
    EXPECT_EQ(again.real, first.real);
    EXPECT_EQ(again.hit, PersistHit::kSource);
  }
}

TEST(Selector, SourceEntryOfDownRealIsReplacedAndUpdated) {
  Fixture f(PersistMode::kSource);
  const Selection first = f.select(std::nullopt, "198.51.100.10");
  f.pool->setUp(first.real, false);
  const Selection moved = f.select(std::nullopt, "198.51.100.10");
  EXPECT_TRUE(moved.replaced);
  EXPECT_NE(moved.real, first.real);
  f.pool->setUp(first.real, true);  // back up: the client stays on its new real
  const Selection after = f.select(std::nullopt, "198.51.100.10");
  EXPECT_EQ(after.real, moved.real);
  EXPECT_EQ(after.hit, PersistHit::kSource);
}

TEST(Selector, SourceEntryExpires) {
  Fixture f(PersistMode::kSource, Algorithm::kRr);
  const Selection first = f.select(std::nullopt, "198.51.100.10", kUnixNow, SteadyTime{});
  const Selection later =
      f.select(std::nullopt, "198.51.100.10", kUnixNow, SteadyTime{} + seconds(601));
  EXPECT_EQ(later.hit, PersistHit::kNone);
  EXPECT_NE(later.real, first.real);  // round robin moved on, the entry was gone
}

TEST(Selector, CookieThenSource) {
  Fixture f(PersistMode::kCookieThenSource);
  // A client without cookies (say an ActiveSync device) sticks by its address...
  const Selection first = f.select(std::nullopt, "198.51.100.10");
  ASSERT_TRUE(first.set_cookie.has_value());
  const Selection second = f.select(std::nullopt, "198.51.100.10");
  EXPECT_EQ(second.hit, PersistHit::kSource);
  EXPECT_EQ(second.real, first.real);
  EXPECT_TRUE(second.set_cookie.has_value());  // and is offered the cookie again
  // ...while a browser's cookie wins over its address.
  const Selection browser = f.select(f.cookieValueFor(30), "198.51.100.10");
  EXPECT_EQ(browser.hit, PersistHit::kCookie);
  EXPECT_EQ(f.pool->idOf(browser.real), 30u);
  // A cookie of a down real falls back to the address.
  f.pool->setUp(f.pool->indexOf(30), false);
  const Selection fallback = f.select(f.cookieValueFor(30), "198.51.100.10");
  EXPECT_EQ(fallback.hit, PersistHit::kSource);
  EXPECT_EQ(fallback.real, first.real);
  EXPECT_TRUE(fallback.replaced);
}

TEST(Selector, NoRealAvailable) {
  Fixture f(PersistMode::kCookieThenSource);
  for (uint32_t i = 0; i < f.pool->size(); ++i) f.pool->setUp(i, false);
  const Selection s = f.select(f.cookieValueFor(10), "198.51.100.10");
  EXPECT_EQ(s.real, kNoReal);
  EXPECT_FALSE(s.set_cookie.has_value());
  EXPECT_EQ(f.source->size(), 0u);
}

TEST(Selector, CreateErrors) {
  auto pool = std::move(*Pool::create("web", Algorithm::kRr, {{1, 1, true, "a"}}));
  SelectorConfig c{PersistMode::kCookie, "svc", {}};
  EXPECT_EQ(Selector::create(c, pool.get(), nullptr, nullptr).error(),
            "service \"svc\": cookie persistence needs the appliance secret");
  c.mode = PersistMode::kSource;
  EXPECT_EQ(Selector::create(c, pool.get(), nullptr, nullptr).error(),
            "service \"svc\": source persistence needs its table");
  auto codec = std::move(*CookieCodec::create(kSecret));
  c.mode = PersistMode::kCookie;
  c.cookie.name = "bad name";
  EXPECT_NE(Selector::create(c, pool.get(), &codec, nullptr)
                .error()
                .find("service \"svc\": persistence cookie name \"bad name\""),
            std::string::npos);
  for (PersistMode m : {PersistMode::kNone, PersistMode::kCookie, PersistMode::kSource,
                        PersistMode::kCookieThenSource})
    EXPECT_FALSE(persistModeName(m).empty());
  EXPECT_EQ(persistHitName(PersistHit::kSource), "source");
}

}  // namespace
}  // namespace vlb::l7::balance
