// Persistence cookie: base64url, codec round trip and every way a value can be refused, the
// Set-Cookie builder and finding the cookie in a request.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "l7/balance/base64url.h"
#include "l7/balance/cookie_codec.h"
#include "l7/balance/cookie_header.h"

namespace vlb::l7::balance {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";

CookieCodec codec(std::string_view secret = kSecret) {
  auto c = CookieCodec::create(secret);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

TEST(Base64url, RoundTripEveryLength) {
  std::array<uint8_t, 10> in{};
  for (size_t i = 0; i < in.size(); ++i) in[i] = uint8_t(0xf7 * (i + 1));
  for (size_t n = 0; n <= in.size(); ++n) {
    std::string text;
    base64urlEncode(std::span(in.data(), n), text);
    EXPECT_EQ(text.size(), base64urlLength(n));
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    std::array<uint8_t, 10> out{};
    ASSERT_TRUE(base64urlDecode(text, std::span(out.data(), n))) << n;
    EXPECT_TRUE(std::equal(in.begin(), in.begin() + long(n), out.begin()));
  }
}

TEST(Base64url, StrictDecode) {
  std::array<uint8_t, 2> out{};
  EXPECT_TRUE(base64urlDecode("__8", out));
  EXPECT_EQ(out[0], 0xff);
  EXPECT_FALSE(base64urlDecode("__9", out));   // unused bits set: a second spelling
  EXPECT_FALSE(base64urlDecode("//8", out));   // standard alphabet
  EXPECT_FALSE(base64urlDecode("__8=", out));  // padding
  EXPECT_FALSE(base64urlDecode("__", out));
}

TEST(CookieCodec, RoundTrip) {
  const CookieCodec c = codec();
  const std::string v = c.encode("owa", {42, 0});
  EXPECT_EQ(v.size(), CookieCodec::kValueChars);
  const auto claim = c.verify(v, "owa", 1'800'000'000);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->real_id, 42u);
  EXPECT_EQ(claim->expiry, 0u);
}

TEST(CookieCodec, ValueDoesNotContainTheRealAddressOrIdInText) {
  const std::string v = codec().encode("owa", {0xC0000201, 0});  // 192.0.2.1 as a number
  EXPECT_EQ(v.find("192"), std::string::npos);
  EXPECT_NE(codec().encode("owa", {1, 0}), codec().encode("owa", {2, 0}));
}

TEST(CookieCodec, ExpiryIsEnforced) {
  const CookieCodec c = codec();
  const std::string v = c.encode("owa", {7, 1000});
  EXPECT_TRUE(c.verify(v, "owa", 1000).has_value());
  EXPECT_FALSE(c.verify(v, "owa", 1001).has_value());
}

TEST(CookieCodec, EverySingleCharacterChangeIsRefused) {
  const CookieCodec c = codec();
  const std::string v = c.encode("owa", {42, 0});
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int tried = 0;
  for (size_t pos = 0; pos < v.size(); ++pos) {
    for (char ch : alphabet) {
      if (ch == v[pos]) continue;
      std::string t = v;
      t[pos] = ch;
      EXPECT_FALSE(c.verify(t, "owa", 0).has_value()) << pos << " " << ch;
      ++tried;
    }
  }
  EXPECT_EQ(tried, int(v.size()) * 63);
}

TEST(CookieCodec, ForgedRealIdWithOldMacIsRefused) {
  const CookieCodec c = codec();
  const std::string v = c.encode("owa", {42, 0});
  std::array<uint8_t, 25> raw{};
  ASSERT_TRUE(base64urlDecode(v, raw));
  raw[4] = 43;  // real id 42 -> 43, MAC untouched
  std::string forged;
  base64urlEncode(raw, forged);
  EXPECT_FALSE(c.verify(forged, "owa", 0).has_value());
  raw[4] = 42;
  raw[8] = 0xff;  // give it an expiry
  forged.clear();
  base64urlEncode(raw, forged);
  EXPECT_FALSE(c.verify(forged, "owa", 0).has_value());
}

TEST(CookieCodec, TruncatedExtendedEmptyAndGarbageRefused) {
  const CookieCodec c = codec();
  const std::string v = c.encode("owa", {42, 0});
  EXPECT_FALSE(c.verify(v.substr(0, v.size() - 1), "owa", 0).has_value());
  EXPECT_FALSE(c.verify(v.substr(0, 12), "owa", 0).has_value());
  EXPECT_FALSE(c.verify(v + "A", "owa", 0).has_value());
  EXPECT_FALSE(c.verify("", "owa", 0).has_value());
  EXPECT_FALSE(c.verify(std::string(34, '!'), "owa", 0).has_value());
  EXPECT_FALSE(c.verify("192.0.2.10:443", "owa", 0).has_value());
}

TEST(CookieCodec, ForeignServiceAndOtherSecretRefused) {
  const std::string v = codec().encode("owa", {42, 0});
  EXPECT_FALSE(codec().verify(v, "lync-web", 0).has_value());
  EXPECT_FALSE(codec("another-appliance-secret-0000000").verify(v, "owa", 0).has_value());
  // Service ids are length-prefixed: "ow" + "a..." cannot be confused with "owa" + "...".
  EXPECT_NE(codec().encode("ow", {42, 0}), v);
}

// Each thread keeps a keyed HMAC context per codec: alternating codecs on one thread, and many
// threads on one codec, must still give each codec's own answer.
TEST(CookieCodec, AlternatingCodecsOnOneThread) {
  const CookieCodec a = codec(), b = codec("another-appliance-secret-0000000");
  for (int k = 0; k < 4; ++k) {
    const std::string va = a.encode("owa", {uint32_t(k), 0});
    const std::string vb = b.encode("owa", {uint32_t(k), 0});
    EXPECT_NE(va, vb);
    EXPECT_TRUE(a.verify(va, "owa", 0).has_value());
    EXPECT_FALSE(b.verify(va, "owa", 0).has_value());
    EXPECT_TRUE(b.verify(vb, "owa", 0).has_value());
    EXPECT_FALSE(a.verify(vb, "owa", 0).has_value());
  }
}

TEST(CookieCodec, ManyThreadsShareOneCodec) {
  const CookieCodec c = codec();
  const std::string genuine = c.encode("owa", {5, 0});
  std::string forged = genuine;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 2000; ++k) {
        const auto ok = c.verify(genuine, "owa", 0);
        if (!ok || ok->real_id != 5) wrong.fetch_add(1);
        if (c.verify(forged, "owa", 0)) wrong.fetch_add(1);
        if (c.encode("owa", {uint32_t(t), 0}) != c.encode("owa", {uint32_t(t), 0}))
          wrong.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CookieCodec, RotationAcceptsPreviousSecretAndFlagsIt) {
  const CookieCodec old_codec = codec();
  auto rotated = CookieCodec::create("the-new-appliance-secret-000000", kSecret);
  ASSERT_TRUE(rotated.ok());
  const std::string old_value = old_codec.encode("owa", {42, 0});
  const auto claim = rotated->verify(old_value, "owa", 0);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->real_id, 42u);
  EXPECT_TRUE(claim->previous_secret);
  const std::string new_value = rotated->encode("owa", {42, 0});
  EXPECT_NE(new_value, old_value);
  const auto fresh = rotated->verify(new_value, "owa", 0);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_FALSE(fresh->previous_secret);
  // Neither secret: refused; the previous secret does not widen what is accepted otherwise.
  EXPECT_FALSE(
      rotated->verify(codec("unrelated-secret-0000000000000").encode("owa", {42, 0}), "owa", 0));
  EXPECT_FALSE(rotated->verify(old_value, "lync", 0));
  auto bad = CookieCodec::create(kSecret, "short");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "persistence cookie previous secret: 5 bytes is too short (at least 16)");
}

TEST(CookieCodec, ShortSecretRefused) {
  auto c = CookieCodec::create("short");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "persistence cookie secret: 5 bytes is too short (at least 16)");
}

TEST(SetCookie, AllAttributes) {
  CookieAttributes a;
  a.max_age = 3600;
  EXPECT_EQ(buildSetCookie(a, "abc"),
            "VLBSRV=abc; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
  a.name = "OWA_SRV";
  a.path = "/owa";
  a.domain = "example.com";
  a.max_age.reset();
  a.secure = false;
  a.http_only = false;
  a.same_site = SameSite::kStrict;
  EXPECT_EQ(buildSetCookie(a, "x"), "OWA_SRV=x; Path=/owa; Domain=example.com; SameSite=Strict");
  a.same_site = SameSite::kUnset;
  EXPECT_EQ(buildSetCookie(a, "x"), "OWA_SRV=x; Path=/owa; Domain=example.com");
}

TEST(SetCookie, Validation) {
  CookieAttributes a;
  EXPECT_TRUE(validateCookieAttributes(a).ok());
  a.name = "a b";
  EXPECT_EQ(validateCookieAttributes(a).error(),
            "persistence cookie name \"a b\": not a cookie name (a token: letters, digits, "
            "!#$%&'*+-.^_`|~)");
  a.name = "ok";
  a.path = "/a;b";
  EXPECT_EQ(validateCookieAttributes(a).error(),
            "persistence cookie path \"/a;b\": a path starts with '/' and has no ';' or control "
            "characters");
  a.path = "/";
  a.same_site = SameSite::kNone;
  a.secure = false;
  EXPECT_EQ(validateCookieAttributes(a).error(),
            "persistence cookie same_site \"None\": needs secure (browsers refuse "
            "SameSite=None without it)");
}

TEST(FindCookie, AmongOthersAndQuoted) {
  EXPECT_EQ(findCookie("a=1; VLBSRV=xyz; b=2", "VLBSRV"), "xyz");
  EXPECT_EQ(findCookie("VLBSRV=\"q\"", "VLBSRV"), "q");
  EXPECT_EQ(findCookie("VLBSRV=first;VLBSRV=second", "VLBSRV"), "first");
  EXPECT_FALSE(findCookie("XVLBSRV=1; vlbsrv=2", "VLBSRV").has_value());
  EXPECT_FALSE(findCookie("", "VLBSRV").has_value());
  EXPECT_EQ(findCookie("VLBSRV=", "VLBSRV"), "");
}

}  // namespace
}  // namespace vlb::l7::balance
