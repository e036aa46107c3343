// ServiceDirector decisions compiled from config structs: rule order, redirects, default 404,
// 503 when no real is up, port translation, re-encrypt SNI, cookie and source persistence,
// Location rewriting, persistence surviving a recompile.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "config_builder.h"
#include "mgmt/l7/service_director.h"
#include "mgmt/l7/shared_state.h"

namespace vlb::mgmt::l7 {
namespace {

using namespace test;
using Kind = ::vlb::l7::proxy::Decision::Kind;

std::unique_ptr<SharedState> newState() {
  auto s = SharedState::create("0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(s.ok());
  return std::move(*s);
}

std::unique_ptr<ServiceDirector> make(const config::L7Service& s, SharedState& state) {
  auto d = ServiceDirector::create(s, state);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error());
  return d.ok() ? std::move(*d) : nullptr;
}

// Exchange + Lync on one VIP; the Office Online Server path rule comes before the host rules.
config::L7Service exchangeAndLync() {
  auto s = service("pub", config::L7Protocol::kHttps, 443);
  s.pools = {pool("exchange", {real("192.0.2.11"), real("192.0.2.12")}),
             pool("lync", {real("192.0.2.21", 4443)}), pool("oos", {real("192.0.2.31")})};
  config::L7Rule oos{"oos", {}, toPool("oos")};
  oos.match.path_prefix = "/hosting";
  config::L7Rule lync{"lync", {}, toPool("lync")};
  lync.match.host = "lyncweb.example.com";
  config::L7Rule owa{"owa", {}, toPool("exchange")};
  owa.match.host_wildcard = "*.example.com";
  s.rules = {oos, lync, owa};
  return s;
}

TEST(Director, PathRuleBeforeHostRuleDecides) {
  auto state = newState();
  auto d = make(exchangeAndLync(), *state);
  ASSERT_TRUE(d);
  auto oos = d->route(Request(get("lyncweb.example.com", "/hosting/discovery")).info());
  ASSERT_EQ(oos.kind, Kind::kForward);
  EXPECT_EQ(endpointText(oos.upstream), "192.0.2.31:443");
  auto lync = d->route(Request(get("LyncWeb.Example.com:443", "/meet/x")).info());
  ASSERT_EQ(lync.kind, Kind::kForward);
  EXPECT_EQ(endpointText(lync.upstream), "192.0.2.21:4443");  // port translation
  auto owa = d->route(Request(get("mail.example.com", "/owa/")).info());
  ASSERT_EQ(owa.kind, Kind::kForward);
  EXPECT_TRUE(endpointText(owa.upstream) == "192.0.2.11:443" ||
              endpointText(owa.upstream) == "192.0.2.12:443");
  EXPECT_FALSE(owa.upstream.tls);
}

TEST(Director, UnknownHostGets404ByDefault) {
  auto state = newState();
  auto d = make(exchangeAndLync(), *state);
  auto r = d->route(Request(get("other.test", "/owa/")).info());
  ASSERT_EQ(r.kind, Kind::kLocal);
  EXPECT_EQ(r.local.status, 404);
}

TEST(Director, ConfiguredDefaultActionIsUsed) {
  auto state = newState();
  auto s = exchangeAndLync();
  s.default_action.kind = config::RuleAction::Kind::kRespond;
  s.default_action.status = 421;
  s.default_action.body = "wrong host\n";
  auto d = make(s, *state);
  auto r = d->route(Request(get("other.test", "/")).info());
  ASSERT_EQ(r.kind, Kind::kLocal);
  EXPECT_EQ(r.local.status, 421);
  EXPECT_EQ(r.local.body, "wrong host\n");
}

TEST(Director, RedirectToHttps) {
  auto state = newState();
  auto s = service("http-redirect", config::L7Protocol::kHttp, 80);
  config::L7Rule to_https;
  to_https.name = "to-https";
  to_https.action.kind = config::RuleAction::Kind::kRedirect;
  to_https.action.status = 301;
  to_https.action.location = "https://{host}{uri}";
  s.rules = {to_https};
  auto d = make(s, *state);
  auto r = d->route(Request(get("mail.example.com:80", "/owa/?a=1"), "198.51.100.10", false).info());
  ASSERT_EQ(r.kind, Kind::kLocal);
  EXPECT_EQ(r.local.status, 301);
  EXPECT_EQ(headerValue(r.local.headers, "Location"), "https://mail.example.com/owa/?a=1");
}

// Every redirect status the config accepts is answered as configured (303 used to become 302).
TEST(Director, RedirectStatusIsAnsweredAsConfigured) {
  for (unsigned status : {301u, 302u, 303u, 307u, 308u}) {
    auto state = newState();
    auto s = service("moved", config::L7Protocol::kHttp, 80);
    config::L7Rule moved;
    moved.name = "moved";
    moved.action.kind = config::RuleAction::Kind::kRedirect;
    moved.action.status = status;
    moved.action.location = "https://{host}/new{path}";
    s.rules = {moved};
    auto d = make(s, *state);
    ASSERT_TRUE(d) << status;
    auto r = d->route(Request(get("www.example.com", "/old")).info());
    ASSERT_EQ(r.kind, Kind::kLocal) << status;
    EXPECT_EQ(r.local.status, status);
    EXPECT_EQ(headerValue(r.local.headers, "Location"), "https://www.example.com/new/old");
  }
}

// lc counts open upstream connections (Director::onUpstreamOpened/Closed: busy, or idle in a
// worker's keep-alive pool); lcr counts requests in flight (onRequestStart/End). Each ignores what
// the other counts.
std::unique_ptr<ServiceDirector> twoReals(config::L7Scheduler scheduler, SharedState& state) {
  auto s = service("web", config::L7Protocol::kHttp, 80);
  s.pools = {pool("web", {real("192.0.2.11"), real("192.0.2.12")})};
  s.pools[0].scheduler = scheduler;
  s.default_action = toPool("web");
  return make(s, state);
}

std::map<std::string, int> tenPicks(ServiceDirector& d) {
  std::map<std::string, int> counts;
  for (int i = 0; i < 10; ++i)
    ++counts[endpointText(d.route(Request(get("a.example", "/")).info()).upstream)];
  return counts;
}

TEST(Director, LeastConnectionsCountsOpenUpstreamConnectionsNotRequests) {
  auto state = newState();
  auto d = twoReals(config::L7Scheduler::kLc, *state);
  ASSERT_TRUE(d);
  const auto first = d->route(Request(get("a.example", "/")).info());
  const std::string busy = endpointText(first.upstream);
  d->onRequestStart(first.upstream.real_id);  // a request in flight: no load for lc
  EXPECT_EQ(tenPicks(*d)[busy], 5);           // ties are shared round robin
  d->onUpstreamOpened(first.upstream.real_id);  // its connection, kept idle after the request
  d->onRequestEnd(first.upstream.real_id);
  auto counts = tenPicks(*d);
  EXPECT_EQ(counts.count(busy), 0u);
  EXPECT_EQ(counts.size(), 1u);
  d->onUpstreamClosed(first.upstream.real_id);  // closed: both equal again
  EXPECT_EQ(tenPicks(*d)[busy], 5);
}

TEST(Director, LeastCurrentRequestsCountsRequestsNotConnections) {
  auto state = newState();
  auto d = twoReals(config::L7Scheduler::kLcr, *state);
  ASSERT_TRUE(d);
  const auto first = d->route(Request(get("a.example", "/")).info());
  const std::string busy = endpointText(first.upstream);
  d->onUpstreamOpened(first.upstream.real_id);  // an idle pooled connection: no load for lcr
  auto counts = tenPicks(*d);
  EXPECT_EQ(counts[busy], 5);
  d->onRequestStart(first.upstream.real_id);  // a request in flight: everything goes elsewhere
  counts = tenPicks(*d);
  EXPECT_EQ(counts.count(busy), 0u);
  EXPECT_EQ(counts.size(), 1u);
  d->onRequestEnd(first.upstream.real_id);
  d->onUpstreamClosed(first.upstream.real_id);
}

TEST(Director, DenyGets403) {
  auto state = newState();
  auto s = exchangeAndLync();
  config::L7Rule deny{"no-ecp", {}, {}};
  deny.match.path_prefix = "/ecp";
  deny.action.kind = config::RuleAction::Kind::kDeny;
  s.rules.insert(s.rules.begin(), deny);
  auto d = make(s, *state);
  EXPECT_EQ(d->route(Request(get("mail.example.com", "/owa/../ECP/")).info()).local.status, 403);
}

TEST(Director, NoRealUpGives503) {
  auto state = newState();
  auto s = exchangeAndLync();
  s.pools[2].reals[0].state = config::RealState::kDisabled;
  auto d = make(s, *state);
  auto r = d->route(Request(get("x.example.com", "/hosting/")).info());
  ASSERT_EQ(r.kind, Kind::kLocal);
  EXPECT_EQ(r.local.status, 503);
  EXPECT_NE(r.local.body.find("503"), std::string::npos);
  // Health verdicts: the exchange pool with both reals down also answers 503, and recovers.
  EXPECT_TRUE(d->setRealUp("192.0.2.11:443", false));
  EXPECT_TRUE(d->setRealUp("192.0.2.12:443", false));
  EXPECT_FALSE(d->setRealUp("192.0.2.99:443", false));
  EXPECT_EQ(d->route(Request(get("mail.example.com", "/")).info()).local.status, 503);
  EXPECT_TRUE(d->setRealUp("192.0.2.12:443", true));
  auto back = d->route(Request(get("mail.example.com", "/")).info());
  ASSERT_EQ(back.kind, Kind::kForward);
  EXPECT_EQ(endpointText(back.upstream), "192.0.2.12:443");
}

TEST(Director, ReencryptSniIsHostOrConfigured) {
  auto state = newState();
  auto s = exchangeAndLync();
  s.reencrypt.enabled = true;
  auto d = make(s, *state);
  auto r = d->route(Request(get("mail.example.com:443", "/owa/")).info());
  ASSERT_EQ(r.kind, Kind::kForward);
  EXPECT_TRUE(r.upstream.tls);
  EXPECT_EQ(r.upstream.sni, "mail.example.com");
  s.reencrypt.sni = "exch.corp.test";
  auto d2 = make(s, *state);
  EXPECT_EQ(d2->route(Request(get("mail.example.com", "/owa/")).info()).upstream.sni, "exch.corp.test");
}

std::string cookiePair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

TEST(Director, CookiePersistenceRoundTrip) {
  auto state = newState();
  auto s = service("web", config::L7Protocol::kHttps, 443);
  s.pools = {pool("web", {real("192.0.2.11", 80), real("192.0.2.12", 80), real("192.0.2.13", 80)})};
  s.default_action = toPool("web");
  s.persistence.mode = config::L7PersistenceMode::kCookie;
  auto d = make(s, *state);
  auto first = d->route(Request(get("www.example.com", "/")).info());
  ASSERT_EQ(first.kind, Kind::kForward);
  const std::string set_cookie = headerValue(first.add_response_headers, "Set-Cookie");
  ASSERT_EQ(set_cookie.rfind("VLBSERVERID=", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("Secure"), std::string::npos);
  const std::string cookie = "Cookie: " + cookiePair(set_cookie) + "\r\n";
  for (int i = 0; i < 30; ++i) {
    auto again = d->route(Request(get("www.example.com", "/", cookie)).info());
    ASSERT_EQ(again.kind, Kind::kForward);
    EXPECT_EQ(endpointText(again.upstream), endpointText(first.upstream));
    EXPECT_EQ(again.persistence, ::vlb::l7::accesslog::Persistence::kHit);
  }
  // Without the cookie the scheduler spreads requests over all three reals.
  std::set<std::string> seen;
  for (int i = 0; i < 6; ++i) seen.insert(endpointText(d->route(Request(get("www.example.com", "/")).info()).upstream));
  EXPECT_EQ(seen.size(), 3u);
  // A tampered cookie is not trusted: a fresh one is issued.
  std::string forged = cookiePair(set_cookie);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto f = d->route(Request(get("www.example.com", "/", "Cookie: " + forged + "\r\n")).info());
  EXPECT_EQ(f.persistence, ::vlb::l7::accesslog::Persistence::kMiss);
  EXPECT_FALSE(headerValue(f.add_response_headers, "Set-Cookie").empty());

  // A recompiled service (a commit) with the same shared state honours the old cookie.
  auto recompiled = make(s, *state);
  auto after = recompiled->route(Request(get("www.example.com", "/", cookie)).info());
  EXPECT_EQ(endpointText(after.upstream), endpointText(first.upstream));
  EXPECT_EQ(after.persistence, ::vlb::l7::accesslog::Persistence::kHit);
}

TEST(Director, SourcePersistenceKeepsANetworkOnOneReal) {
  auto state = newState();
  auto s = service("web", config::L7Protocol::kHttp, 80);
  s.pools = {pool("web", {real("192.0.2.11"), real("192.0.2.12"), real("192.0.2.13")})};
  s.default_action = toPool("web");
  s.persistence.mode = config::L7PersistenceMode::kSource;
  s.persistence.prefix_length = 24;
  auto d = make(s, *state);
  const std::string first =
      endpointText(d->route(Request(get("a", "/"), "198.51.100.10", false).info()).upstream);
  for (int i = 0; i < 20; ++i) {
    const std::string client = "198.51.100." + std::to_string(10 + i);  // same /24
    EXPECT_EQ(endpointText(d->route(Request(get("a", "/"), client, false).info()).upstream), first);
  }
  // Two other networks, new to the table, get the next reals of the round robin.
  std::set<std::string> seen{first};
  for (const char* other : {"203.0.113.5", "192.0.2.5"})
    seen.insert(endpointText(d->route(Request(get("a", "/"), other, false).info()).upstream));
  EXPECT_EQ(seen.size(), 3u);
}

TEST(Director, LocationAndCookieDomainRewritten) {
  auto state = newState();
  auto s = exchangeAndLync();
  s.location_hosts = {{"exch01.corp.test", "mail.example.com"}};
  s.cookie_domains = {{"corp.test", "example.com"}};
  auto d = make(s, *state);
  auto r = d->route(Request(get("mail.example.com", "/owa")).info());
  ASSERT_EQ(r.kind, Kind::kForward);
  const std::string raw =
      "HTTP/1.1 302 Found\r\nLocation: http://exch01.corp.test/owa/\r\n"
      "Set-Cookie: a=1; Domain=.corp.test\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n";
  ::vlb::l7::http::ResponseParser parser;
  ASSERT_EQ(parser.parse(raw).status,
            ::vlb::l7::http::ParseStatus::kDone);
  ::vlb::l7::proxy::ResponseInfo info{302, &parser.head().fields};
  ::vlb::l7::proxy::HeaderEdits edits;
  d->editResponse(r, info, &edits);
  EXPECT_EQ(headerValue(edits.add, "Location"), "https://mail.example.com/owa/");
  std::vector<std::string> cookies;
  for (const auto& [k, v] : edits.add)
    if (k == "Set-Cookie") cookies.push_back(v);
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1; Domain=.example.com", "b=2"}));
  // An offloaded back end redirecting to the public name over http gets https.
  const std::string raw2 = "HTTP/1.1 301 Moved\r\nLocation: http://mail.example.com/owa/\r\nContent-Length: 0\r\n\r\n";
  ::vlb::l7::http::ResponseParser p2;
  ASSERT_EQ(p2.parse(raw2).status, ::vlb::l7::http::ParseStatus::kDone);
  ::vlb::l7::proxy::HeaderEdits e2;
  d->editResponse(r, {301, &p2.head().fields}, &e2);
  EXPECT_EQ(headerValue(e2.add, "Location"), "https://mail.example.com/owa/");
}

}  // namespace
}  // namespace vlb::mgmt::l7
