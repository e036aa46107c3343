// HttpCheckParser on byte strings: every response is fed whole and split at every point, so
// the decision does not depend on how TCP cut the stream.
#include "mgmt/health/http_check_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace vlb::health {
namespace {

struct Case {
  const char* name;
  std::string response;
  bool head = false;
  std::string expect = "200-399";
  std::string pattern;
  Reason reason;
  uint16_t status;
};

std::shared_ptr<const BodyMatcher> matcher(const std::string& pattern, bool regex = false) {
  if (pattern.empty()) return nullptr;
  auto m = BodyMatcher::make(pattern, regex);
  EXPECT_TRUE(m) << m.error();
  return m ? *m : nullptr;
}

// Feeds `response` in two pieces cut at `split`, then EOF if still undecided.
Outcome decide(const Case& c, size_t split) {
  auto ranges = parseStatusRanges(c.expect);
  EXPECT_TRUE(ranges);
  HttpCheckParser p(c.head, *ranges, matcher(c.pattern));
  if (auto o = p.feed(std::string_view(c.response).substr(0, split))) return *o;
  if (auto o = p.feed(std::string_view(c.response).substr(split))) return *o;
  return p.finishAtEof();
}

TEST(HttpCheckParser, DecidesTheSameAtEverySplit) {
  const std::string chunked_body =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
  const std::vector<Case> cases = {
      {"plain 200", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, "200", "", Reason::kOk,
       200},
      {"503 refused", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false, "200",
       "", Reason::kStatus, 503},
      {"range 301-302", "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", false, "200,301-302", "",
       Reason::kOk, 302},
      {"303 outside", "HTTP/1.1 303 See Other\r\n\r\n", false, "200,301-302", "", Reason::kStatus,
       303},
      {"interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false,
       "204", "", Reason::kOk, 204},
      {"pattern by length", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", false,
       "200", "world", Reason::kOk, 200},
      {"pattern missing by length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false,
       "200", "world", Reason::kBodyMismatch, 200},
      {"pattern across chunks", chunked_body, false, "200", "lo, wo", Reason::kOk, 200},
      {"pattern missing chunked", chunked_body, false, "200", "planet", Reason::kBodyMismatch, 200},
      {"pattern until close", "HTTP/1.0 200 OK\r\n\r\nall is well", false, "200", "is well",
       Reason::kOk, 200},
      {"mismatch until close", "HTTP/1.0 200 OK\r\n\r\nall is bad", false, "200", "is well",
       Reason::kBodyMismatch, 200},
      {"head ignores body", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", true, "200", "",
       Reason::kOk, 200},
      {"short body closed", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", false, "200",
       "never", Reason::kClosed, 200},
      {"not http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", false, "200", "", Reason::kBadResponse, 0},
      {"bad length", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false, "200", "",
       Reason::kBadResponse, 200},
      {"nothing", "", false, "200", "", Reason::kClosed, 0},
  };
  for (const Case& c : cases) {
    for (size_t split = 0; split <= c.response.size(); ++split) {
      const Outcome o = decide(c, split);
      EXPECT_EQ(o.reason, c.reason) << c.name << " split " << split << ": " << reasonName(o.reason);
      EXPECT_EQ(o.status, c.status) << c.name << " split " << split;
    }
  }
}

TEST(HttpCheckParser, LooksOnlyAtTheFirst64KiBOfTheBody) {
  auto ranges = parseStatusRanges("200");
  ASSERT_TRUE(ranges);
  HttpCheckParser p(false, *ranges, matcher("needle"));
  ASSERT_FALSE(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
  const std::string filler(HttpCheckParser::kBodyWindow, 'x');
  auto o = p.feed(filler + "needle");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->reason, Reason::kBodyMismatch);
}

TEST(HttpCheckParser, RegexPatternAcrossChunks) {
  auto ranges = parseStatusRanges("200");
  ASSERT_TRUE(ranges);
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\nstate=\r\n5\r\nREADY\r\n0\r\n\r\n";
  for (const auto& [pattern, want] : {std::pair{"state=(READY|OK)", Reason::kOk},
                                      std::pair{"state=[a-z]+$", Reason::kBodyMismatch}}) {
    for (size_t split = 0; split <= response.size(); ++split) {
      HttpCheckParser p(false, *ranges, matcher(pattern, true));
      std::optional<Outcome> o = p.feed(std::string_view(response).substr(0, split));
      if (!o) o = p.feed(std::string_view(response).substr(split));
      if (!o) o = p.finishAtEof();
      EXPECT_EQ(o->reason, want) << pattern << " split " << split;
    }
  }
  auto bad = BodyMatcher::make("state=(READY", true);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("state=(READY"), std::string::npos) << bad.error();
}

TEST(HttpCheckParser, EndlessHeadIsABadResponse) {
  auto ranges = parseStatusRanges("200");
  ASSERT_TRUE(ranges);
  HttpCheckParser p(false, *ranges, nullptr);
  std::optional<Outcome> o = p.feed("HTTP/1.1 200 OK\r\n");
  const std::string field = "X-Filler: " + std::string(100, 'a') + "\r\n";
  for (int i = 0; i < 1000 && !o; ++i) o = p.feed(field);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->reason, Reason::kBadResponse);
}

}  // namespace
}  // namespace vlb::health
