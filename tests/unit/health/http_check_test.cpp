// http checks against a loopback server written here: status lists and ranges, 503 on the check
// URL while the port is open, body patterns, HEAD, Host and an extra header as the server saw them.
#include <gtest/gtest.h>

#include "checker_test_util.h"
#include "loopback_servers.h"

namespace vlb::health::testing {
namespace {

CheckSpec httpSpec(const std::string& url, const char* expect = "200") {
  CheckSpec s = quickSpec(CheckType::kHttp);
  Status st = applyCheckUrl(url, s);
  EXPECT_TRUE(st) << st.error();
  auto ranges = parseStatusRanges(expect);
  EXPECT_TRUE(ranges) << ranges.error();
  s.expect = *ranges;
  return s;
}

std::string url(uint16_t port, const char* path) {
  return "http://<real>:" + std::to_string(port) + path;
}

TEST(HttpCheck, StatusListAndRanges) {
  HttpTestServer server;
  server.setResponse("HTTP/1.1 302 Found\r\nLocation: /owa/\r\nContent-Length: 0\r\n\r\n");
  CheckerHarness h;
  const RealKey in_range = loopbackReal("a", 443), outside = loopbackReal("b", 443);
  ASSERT_TRUE(h.set({{in_range, httpSpec(url(server.port(), "/"), "200,301-302")},
                     {outside, httpSpec(url(server.port(), "/"), "200,303-399")}}));
  ASSERT_TRUE(
      h.runUntil([&] { return h.view(in_range).checks >= 2 && h.view(outside).checks >= 2; }));
  EXPECT_EQ(h.view(in_range).state, HealthState::kUp);
  EXPECT_EQ(h.view(in_range).last_status, 302);
  const RealHealthView v = h.view(outside);
  EXPECT_EQ(v.state, HealthState::kDown);
  EXPECT_EQ(v.last_reason, Reason::kStatus);
  EXPECT_EQ(reasonText(v.last_reason, v.last_status), "status 302");
}

TEST(HttpCheck, Status503OnTheCheckUrlIsDownWhileThePortIsOpen) {
  HttpTestServer server;
  server.setResponse(httpResponse(503, "maintenance"));
  CheckerHarness h;
  const RealKey web = loopbackReal("meet", 80), port_only = loopbackReal("meet-tcp", 80);
  CheckSpec http = httpSpec(url(server.port(), "/meet/blank.html"));
  http.timing.rise = 2;
  ASSERT_TRUE(h.set({{web, http}, {port_only, quickSpec(CheckType::kTcp, server.port())}}));
  ASSERT_TRUE(h.runUntil([&] { return h.view(web).checks >= 2 && h.view(port_only).checks >= 2; }));
  EXPECT_EQ(h.view(port_only).state, HealthState::kUp);
  EXPECT_EQ(h.view(web).state, HealthState::kDown);
  EXPECT_EQ(reasonText(h.view(web).last_reason, h.view(web).last_status), "status 503");

  // Back in service: up after `rise` (2) consecutive passes, with the event saying why.
  server.setResponse(httpResponse(200, "<html></html>"));
  ASSERT_TRUE(h.runUntil([&] { return h.view(web).state == HealthState::kUp; }));
  EXPECT_GE(h.view(web).consecutive_passes, 2u);
  std::vector<HealthEvent> web_events;
  for (const HealthEvent& e : h.events)
    if (e.real == web) web_events.push_back(e);
  ASSERT_EQ(web_events.size(), 2u);
  EXPECT_EQ(web_events[0].text(), "meet 127.0.0.1:80 unknown -> down (status 503)");
  EXPECT_EQ(web_events[1].text(), "meet 127.0.0.1:80 down -> up (ok)");
  EXPECT_EQ(h.view(web).transitions, 2u);
  EXPECT_EQ(h.view(web).since, web_events[1].at);
}

TEST(HttpCheck, BodyPatternMustAppear) {
  HttpTestServer server;
  server.setResponse(httpResponse(200, "<html>status: maintenance</html>"));
  CheckerHarness h;
  const RealKey real = loopbackReal("web", 80);
  CheckSpec spec = httpSpec(url(server.port(), "/health"));
  spec.body_pattern = "status: ready";
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).last_reason, Reason::kBodyMismatch);
  EXPECT_EQ(h.view(real).state, HealthState::kDown);
  server.setResponse(httpResponse(200, "<html>status: ready</html>"));
  ASSERT_TRUE(h.runUntil([&] { return h.view(real).state == HealthState::kUp; }));
  EXPECT_EQ(h.view(real).last_reason, Reason::kOk);
}

TEST(HttpCheck, BodyRegex) {
  HttpTestServer server;
  server.setResponse(httpResponse(200, "<html>Front End pool: 3 of 3 servers</html>"));
  CheckerHarness h;
  const RealKey good = loopbackReal("fe", 80), bad = loopbackReal("fe2", 80);
  CheckSpec spec = httpSpec(url(server.port(), "/meet/blank.html"));
  spec.body_regex = true;
  spec.body_pattern = "pool: [1-9] of";
  CheckSpec none_up = spec;
  none_up.body_pattern = "pool: 0 of";
  ASSERT_TRUE(h.set({{good, spec}, {bad, none_up}}));
  ASSERT_TRUE(h.runUntil([&] { return h.view(good).checks >= 1 && h.view(bad).checks >= 1; }));
  EXPECT_EQ(h.view(good).state, HealthState::kUp);
  EXPECT_EQ(h.view(bad).last_reason, Reason::kBodyMismatch);
}

TEST(HttpCheck, HeadSendsAHeadRequest) {
  HttpTestServer server;
  server.setResponse("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");  // HEAD: no body follows
  CheckerHarness h;
  const RealKey real = loopbackReal("meet", 80);
  CheckSpec spec = httpSpec(url(server.port(), "/meet/blank.html"));
  spec.method = HttpMethod::kHead;
  ASSERT_TRUE(h.set({{real, spec}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).state, HealthState::kUp);
  ASSERT_FALSE(server.requests().empty());
  EXPECT_EQ(server.requests()[0].rfind("HEAD /meet/blank.html HTTP/1.1\r\n", 0), 0u)
      << server.requests()[0];
}

TEST(HttpCheck, HostAndExtraHeaderReachTheServer) {
  HttpTestServer server;
  CheckerHarness h;
  const RealKey named = loopbackReal("owa", 80), plain = loopbackReal("owa2", 80);
  CheckSpec spec = httpSpec(url(server.port(), "/owa/HealthCheck.htm"));
  spec.host = "mail.example.com";
  spec.extra_header = "X-Health-Check: vlb";
  ASSERT_TRUE(h.set({{named, spec}}));
  ASSERT_TRUE(h.runChecks(named, 1));
  ASSERT_EQ(h.view(named).state, HealthState::kUp);
  ASSERT_FALSE(server.requests().empty());
  const std::string req = server.requests()[0];
  EXPECT_EQ(req.rfind("GET /owa/HealthCheck.htm HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nHost: mail.example.com\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("\r\nX-Health-Check: vlb\r\n"), std::string::npos) << req;

  // Without a host: the real's address and the check port.
  ASSERT_TRUE(h.set({{plain, httpSpec(url(server.port(), "/"))}}));
  ASSERT_TRUE(h.runChecks(plain, 1));
  const std::string last = server.requests().back();
  EXPECT_NE(last.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << last;
}

TEST(HttpCheck, ServerClosingWithoutAnswerIsClosed) {
  HttpTestServer server;
  server.setResponse("");  // reads the request, answers nothing, closes
  CheckerHarness h;
  const RealKey real = loopbackReal("web", 80);
  ASSERT_TRUE(h.set({{real, httpSpec(url(server.port(), "/"))}}));
  ASSERT_TRUE(h.runChecks(real, 1));
  EXPECT_EQ(h.view(real).last_reason, Reason::kClosed) << reasonName(h.view(real).last_reason);
}

}  // namespace
}  // namespace vlb::health::testing
