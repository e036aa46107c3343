// Responses from real servers: status line, and framing by request method and status.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"
#include "l7/http/response_parser.h"

namespace vlb::l7::http::test {
namespace {

using E = HttpError;

struct ResponseCase {
  const char* name;
  std::string input;
  RequestKind request;
  uint16_t status;
  BodyKind kind;
  std::string body;  // of the last message
  bool keep_alive;
  size_t messages;
};

void PrintTo(const ResponseCase& c, std::ostream* os) { *os << c.name; }

const ResponseCase kResponses[] = {
    {"ok_length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", RequestKind::kOther, 200,
     BodyKind::kLength, "hello", true, 1},
    {"ok_chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
     RequestKind::kOther, 200, BodyKind::kChunked, "hello", true, 1},
    {"ok_until_close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it",
     RequestKind::kOther, 200, BodyKind::kUntilClose, "all of it", false, 1},
    {"gzip_only_until_close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz",
     RequestKind::kOther, 200, BodyKind::kUntilClose, "zzz", false, 1},
    {"no_content", "HTTP/1.1 204 No Content\r\n\r\n", RequestKind::kOther, 204, BodyKind::kNone, "",
     true, 1},
    {"not_modified_with_length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
     RequestKind::kOther, 304, BodyKind::kNone, "", true, 1},
    {"head_with_length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", RequestKind::kHead, 200,
     BodyKind::kNone, "", true, 1},
    {"continue_then_ok",
     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
     RequestKind::kOther, 201, BodyKind::kLength, "ok", true, 2},
    {"switching_protocols",
     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
     "Upgrade\r\n\r\n\x81\x05hello",
     RequestKind::kOther, 101, BodyKind::kTunnel, "\x81\x05hello", false, 1},
    {"connect_established", "HTTP/1.1 200 Connection Established\r\n\r\nbytes",
     RequestKind::kConnect, 200, BodyKind::kTunnel, "bytes", false, 1},
    {"empty_reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", RequestKind::kOther, 200,
     BodyKind::kLength, "", true, 1},
    {"no_reason_no_space", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", RequestKind::kOther, 404,
     BodyKind::kLength, "", true, 1},
    {"http10_keep_alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
     RequestKind::kOther, 200, BodyKind::kLength, "x", true, 1},
    {"http10_default_close", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", RequestKind::kOther,
     200, BodyKind::kLength, "x", false, 1},
    {"pipelined_keep_alive",
     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
     RequestKind::kOther, 200, BodyKind::kLength, "b", true, 2},
};

class Response : public ::testing::TestWithParam<ResponseCase> {};

TEST_P(Response, FramesTheSameInEveryPiecing) {
  const ResponseCase& c = GetParam();
  RunOptions o;
  o.response = true;
  o.request = c.request;
  o.eof = true;
  const Outcome out = runEveryWay(c.input, o);
  ASSERT_EQ(out.status, ParseStatus::kDone) << describe(out);
  ASSERT_EQ(out.messages.size(), c.messages);
  const Message& m = out.messages.back();
  EXPECT_EQ(m.status, c.status);
  EXPECT_EQ(m.framing.kind, c.kind);
  EXPECT_EQ(m.body, c.body);
  EXPECT_EQ(m.keep_alive, c.keep_alive);
}

INSTANTIATE_TEST_SUITE_P(Vectors, Response, ::testing::ValuesIn(kResponses),
                         [](const auto& info) { return std::string(info.param.name); });

struct BadResponse {
  const char* name;
  std::string input;
  HttpError error;
};

void PrintTo(const BadResponse& c, std::ostream* os) { *os << c.name; }

const BadResponse kBadResponses[] = {
    {"cl_and_te", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     E::kContentLengthWithTransferEncoding},
    {"te_in_http10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
     E::kTransferEncodingInHttp10},
    {"cl_differing", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
     E::kConflictingContentLength},
    {"status_two_digits", "HTTP/1.1 99 Odd\r\n\r\n", E::kBadStatusLine},
    {"status_four_digits", "HTTP/1.1 2000 OK\r\n\r\n", E::kBadStatusLine},
    {"status_600", "HTTP/1.1 600 OK\r\n\r\n", E::kBadStatusLine},
    {"status_letters", "HTTP/1.1 abc OK\r\n\r\n", E::kBadStatusLine},
    {"version_2", "HTTP/2 200 OK\r\n\r\n", E::kBadVersion},
    {"version_1_2", "HTTP/1.2 200 OK\r\n\r\n", E::kUnsupportedVersion},
    {"ctl_in_reason", "HTTP/1.1 200 O\x01K\r\n\r\n", E::kBadStatusLine},
    {"obs_fold", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n", E::kObsFold},
    {"bare_lf", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", E::kBareLf},
    {"truncated_length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", E::kTruncatedBody},
    {"truncated_chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
     E::kTruncatedBody},
    {"bad_chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", E::kBadChunkSize},
};

class BadResponseTest : public ::testing::TestWithParam<BadResponse> {};

TEST_P(BadResponseTest, IsABadGateway) {
  RunOptions o;
  o.response = true;
  o.eof = true;
  const Outcome out = runEveryWay(GetParam().input, o);
  EXPECT_EQ(out.status, ParseStatus::kError);
  EXPECT_EQ(errorName(out.error), errorName(GetParam().error));
  EXPECT_EQ(out.http_status, 502);
}

INSTANTIATE_TEST_SUITE_P(Vectors, BadResponseTest, ::testing::ValuesIn(kBadResponses),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ResponseParser, ReasonAndInterim) {
  ResponseParser p;
  ASSERT_EQ(p.parse("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n").status,
            ParseStatus::kDone);
  EXPECT_TRUE(p.head().interim);
  EXPECT_EQ(p.head().reason, "Early Hints");
  EXPECT_EQ(p.head().fields.get("link"), "</a.css>");
  p.reset();
  ASSERT_EQ(p.parse("HTTP/1.1 101 Switching Protocols\r\n\r\n").status, ParseStatus::kDone);
  EXPECT_FALSE(p.head().interim);
}

}  // namespace
}  // namespace vlb::l7::http::test
