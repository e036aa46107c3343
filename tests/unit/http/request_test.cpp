// Valid requests: every target form, field rules, framing, pipelining, connection semantics.
// Each input is fed in one piece, byte by byte and split at every point (harness.h).
#include <gtest/gtest.h>

#include <string>

#include "harness.h"
#include "l7/http/field_line.h"
#include "l7/http/fields.h"
#include "l7/http/request_parser.h"

namespace vlb::l7::http::test {
namespace {

using namespace std::string_literals;

struct ValidCase {
  const char* name;
  std::string input;
  size_t messages;  // complete messages in the input
  std::string method, target, authority, path, query;
  TargetForm form;
  BodyKind kind;
  std::string body;  // of the first message
  bool keep_alive;
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.name; }

constexpr auto kO = TargetForm::kOrigin;
constexpr auto kAbs = TargetForm::kAbsolute;
constexpr auto kNone = BodyKind::kNone;
constexpr auto kLen = BodyKind::kLength;
constexpr auto kChunk = BodyKind::kChunked;

std::string manyFields(int n) {
  std::string s = "GET /many HTTP/1.1\r\nHost: a.example\r\n";
  for (int i = 1; i < n; ++i)
    s += "X-Field-" + std::to_string(i) + ": value " + std::to_string(i) + "\r\n";
  return s + "\r\n";
}

const ValidCase kValid[] = {
    {"simple_get", "GET / HTTP/1.1\r\nHost: mail.example.com\r\n\r\n", 1, "GET", "/",
     "mail.example.com", "/", "", kO, kNone, "", true},
    {"origin_with_query", "GET /owa/?ae=Item&t=IPM.Note HTTP/1.1\r\nHost: a\r\n\r\n", 1, "GET",
     "/owa/?ae=Item&t=IPM.Note", "a", "/owa/", "ae=Item&t=IPM.Note", kO, kNone, "", true},
    {"percent_encoded", "GET /a%2Fb%20c HTTP/1.1\r\nHost: a\r\n\r\n", 1, "GET", "/a%2Fb%20c", "a",
     "/a%2Fb%20c", "", kO, kNone, "", true},
    // RFC 9112 section 3.2.2: the absolute-form authority wins over a different Host.
    {"absolute_form_host_mismatch",
     "GET http://a.example:8080/p?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n", 1, "GET",
     "http://a.example:8080/p?q=1", "a.example:8080", "/p", "q=1", kAbs, kNone, "", true},
    {"absolute_form_no_path", "GET https://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n", 1, "GET",
     "https://a.example", "a.example", "", "", kAbs, kNone, "", true},
    {"absolute_form_query_no_path", "GET HTTP://a.example?x HTTP/1.1\r\nHost: a.example\r\n\r\n", 1,
     "GET", "HTTP://a.example?x", "a.example", "", "x", kAbs, kNone, "", true},
    {"authority_form_connect", "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", 1,
     "CONNECT", "a.example:443", "a.example:443", "", "", TargetForm::kAuthority, kNone, "", true},
    {"asterisk_options", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 1, "OPTIONS", "*", "a", "", "",
     TargetForm::kAsterisk, kNone, "", true},
    {"absolute_options", "OPTIONS http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 1, "OPTIONS", "http://a/",
     "a", "/", "", kAbs, kNone, "", true},
    {"ipv6_host", "GET / HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n", 1, "GET", "/",
     "[2001:db8::1]:8443", "/", "", kO, kNone, "", true},
    {"webdav_method", "PROPFIND /ews/ HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 1,
     "PROPFIND", "/ews/", "a", "/ews/", "", kO, kLen, "", true},
    {"rpc_in_data_token_method", "RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: a\r\n\r\n", 1,
     "RPC_IN_DATA", "/rpc/rpcproxy.dll", "a", "/rpc/rpcproxy.dll", "", kO, kNone, "", true},
    {"http10_without_host", "GET / HTTP/1.0\r\n\r\n", 1, "GET", "/", "", "/", "", kO, kNone, "",
     false},
    {"http10_keep_alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 1, "GET", "/", "",
     "/", "", kO, kNone, "", true},
    {"http11_close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1, "GET", "/", "a",
     "/", "", kO, kNone, "", false},
    {"leading_empty_lines", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, "GET", "/", "a", "/",
     "", kO, kNone, "", true},
    {"content_length_body",
     "POST /ews/exchange.asmx HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 1, "POST",
     "/ews/exchange.asmx", "a", "/ews/exchange.asmx", "", kO, kLen, "hello", true},
    {"content_length_repeated_equal",
     "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 1, "POST",
     "/", "a", "/", "", kO, kLen, "hello", true},
    {"content_length_list_equal",
     "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 ,\t5\r\n\r\nhello", 1, "POST", "/", "a", "/",
     "", kO, kLen, "hello", true},
    {"content_length_ows_leading_zeros",
     "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \t005 \r\n\r\nhello", 1, "POST", "/", "a", "/",
     "", kO, kLen, "hello", true},
    {"chunked_body",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
     "world\r\n0\r\n\r\n",
     1, "POST", "/", "a", "/", "", kO, kChunk, "hello world", true},
    {"chunked_case_and_ows",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\t "
     "CHUNKED\t\r\n\r\na\r\n0123456789\r\n0\r\n\r\n",
     1, "POST", "/", "a", "/", "", kO, kChunk, "0123456789", true},
    {"gzip_then_chunked",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
     "3\r\nabc\r\n0\r\n\r\n",
     1, "POST", "/", "a", "/", "", kO, kChunk, "abc", true},
    {"chunked_extensions_and_trailer",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
     "3;name=value;q=\"a \\\"b\\\"\" ;x\r\nabc\r\n0 ; last\r\nX-Checksum: 1234\r\nX-Empty:\r\n\r\n",
     1, "POST", "/", "a", "/", "", kO, kChunk, "abc", true},
    {"pipelined_get_get", "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", 2,
     "GET", "/1", "a", "/1", "", kO, kNone, "", true},
    {"pipelined_post_get",
     "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\nHost: "
     "a\r\n\r\n",
     2, "POST", "/1", "a", "/1", "", kO, kLen, "abc", true},
    {"pipelined_chunked_get",
     "POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
     "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
     2, "POST", "/1", "a", "/1", "", kO, kChunk, "x", true},
    {"pipelined_with_empty_line_between",
     "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", 2, "GET", "/1",
     "a", "/1", "", kO, kNone, "", true},
    {"hundred_fields", manyFields(100), 1, "GET", "/many", "a.example", "/many", "", kO, kNone, "",
     true},
    {"ows_and_obs_text_values",
     "GET / HTTP/1.1\r\nHost: a\r\nX-A:   spaced  value \t\r\nX-B:\r\nX-C: caf\xc3\xa9\r\n\r\n", 1,
     "GET", "/", "a", "/", "", kO, kNone, "", true},
};

class ValidRequest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidRequest, ParsesTheSameInEveryPiecing) {
  const ValidCase& c = GetParam();
  const Outcome o = runEveryWay(c.input);
  ASSERT_EQ(o.status, ParseStatus::kDone) << describe(o);
  ASSERT_EQ(o.messages.size(), c.messages);
  const Message& m = o.messages[0];
  EXPECT_EQ(m.method, c.method);
  EXPECT_EQ(m.target, c.target);
  EXPECT_EQ(m.authority, c.authority);
  EXPECT_EQ(m.path, c.path);
  EXPECT_EQ(m.query, c.query);
  EXPECT_EQ(m.form, c.form);
  EXPECT_EQ(m.framing.kind, c.kind);
  EXPECT_EQ(m.body, c.body);
  EXPECT_EQ(m.keep_alive, c.keep_alive);
  for (const Message& each : o.messages) EXPECT_TRUE(each.complete);
}

INSTANTIATE_TEST_SUITE_P(Vectors, ValidRequest, ::testing::ValuesIn(kValid),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RequestParser, FieldsAreViewsWithOwsTrimmed) {
  const Outcome o = runEveryWay(std::end(kValid)[-1].input);  // ows_and_obs_text_values
  ASSERT_EQ(o.messages.size(), 1u);
  const auto& f = o.messages[0].fields;
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], (std::pair<std::string, std::string>{"X-A", "spaced  value"}));
  EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"X-B", ""}));
  EXPECT_EQ(f[3].second, "caf\xc3\xa9");
}

TEST(RequestParser, HeadLengthCountsLeadingEmptyLinesAndFinalCrlf) {
  const std::string r = "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const Outcome o = runEveryWay(r + "GET");
  ASSERT_EQ(o.messages.size(), 1u);
  EXPECT_EQ(o.messages[0].head_len, r.size());
  EXPECT_EQ(o.status, ParseStatus::kNeedMore);  // the pipelined request is still arriving
}

TEST(RequestParser, ViewsPointIntoTheCallersBuffer) {
  const std::string r = "GET /x?y HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n";
  RequestParser p;
  const ParseResult res = p.parse(r);
  ASSERT_EQ(res.status, ParseStatus::kDone);
  const RequestHead& h = p.head();
  const auto inside = [&r](std::string_view v) {
    return v.data() >= r.data() && v.data() + v.size() <= r.data() + r.size();
  };
  EXPECT_TRUE(inside(h.method) && inside(h.target) && inside(h.version) && inside(h.path));
  EXPECT_TRUE(inside(h.query) && inside(h.authority) && inside(h.host));
  for (const HeaderField f : h.fields) EXPECT_TRUE(inside(f.name) && inside(f.value));
  EXPECT_EQ(h.fields.get("accept"), "*/*");
  EXPECT_EQ(h.fields.get("missing"), "");
}

TEST(RequestParser, FieldsKnowTheirIdAndTheirWholeLine) {
  const std::string r =
      "GET / HTTP/1.1\r\nhOST: a\r\nX-Forwarded-For:  198.51.100.1 \r\nTE: trailers\r\n"
      "Keep-Alive: 5\r\nX-Forwarded-Host: b\r\nProxy-Connection: x\r\nTrailer: y\r\n"
      "X-Forwarded-Proto: http\r\nTransfer-Encodinq: z\r\n\r\n";
  RequestParser p;
  ASSERT_EQ(p.parse(r).status, ParseStatus::kDone);
  const FieldList& f = p.head().fields;
  const FieldId want[] = {FieldId::kHost,           FieldId::kXForwardedFor, FieldId::kTe,
                          FieldId::kKeepAlive,      FieldId::kXForwardedHost,
                          FieldId::kProxyConnection, FieldId::kTrailer,
                          FieldId::kXForwardedProto, FieldId::kOther};
  ASSERT_EQ(f.size(), std::size(want));
  for (uint32_t i = 0; i < f.size(); ++i) EXPECT_EQ(f[i].id, want[i]) << f[i].name;
  EXPECT_EQ(f[1].line, "X-Forwarded-For:  198.51.100.1 \r\n");  // as received, OWS and CRLF
  EXPECT_EQ(f[1].value, "198.51.100.1");
  EXPECT_EQ(f[8].line, "Transfer-Encodinq: z\r\n");
  EXPECT_EQ(identify("CONTENT-length"), FieldId::kContentLength);
  EXPECT_EQ(identify("Connection"), FieldId::kConnection);
  EXPECT_EQ(identify("upgrade"), FieldId::kUpgrade);
  EXPECT_EQ(identify("Expect"), FieldId::kExpect);
  EXPECT_EQ(identify("Connectiom"), FieldId::kOther);
}

TEST(RequestParser, ExpectContinueOnlyInHttp11) {
  const char* r11 =
      "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx";
  EXPECT_TRUE(runEveryWay(r11).messages.at(0).expect_continue);
  const char* r10 = "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx";
  EXPECT_FALSE(runEveryWay(r10).messages.at(0).expect_continue);
  EXPECT_FALSE(runEveryWay("GET / HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n")
                   .messages.at(0)
                   .expect_continue);
}

TEST(RequestParser, WebSocketUpgradeNeedsConnectionUpgradeAndGet) {
  const char* ws =
      "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
  const Message m = runEveryWay(ws).messages.at(0);
  EXPECT_TRUE(m.upgrade);
  EXPECT_TRUE(m.websocket);
  const Message no_option =
      runEveryWay("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").messages.at(0);
  EXPECT_FALSE(no_option.upgrade);
  const Message h2c =
      runEveryWay("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c, foo/2\r\n\r\n")
          .messages.at(0);
  EXPECT_TRUE(h2c.upgrade);
  EXPECT_FALSE(h2c.websocket);
  const Message http10 =
      runEveryWay("GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n")
          .messages.at(0);
  EXPECT_FALSE(http10.upgrade);
}

TEST(RequestParser, ConnectionCloseWinsOverKeepAlive) {
  const char* r = "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n";
  EXPECT_FALSE(runEveryWay(r).messages.at(0).keep_alive);
}

TEST(RequestParser, LimitsAreInclusive) {
  RunOptions small;
  small.limits.max_request_line = 32;
  small.limits.max_head_bytes = 64;
  small.limits.max_fields = 2;
  // Request line of exactly 32 bytes with its CRLF.
  const std::string line = "GET /" + std::string(16, 'a') + " HTTP/1.1\r\n";
  ASSERT_EQ(line.size(), 32u);
  std::string head = line + "Host: a\r\n";
  head += "X: " + std::string(64 - head.size() - 2 - 5, 'b') + "\r\n\r\n";
  ASSERT_EQ(head.size(), 64u);
  EXPECT_EQ(runEveryWay(head, small).status, ParseStatus::kDone);
  const Outcome uri = runEveryWay("GET /" + std::string(17, 'a') + " HTTP/1.1\r\n", small);
  EXPECT_EQ(uri.error, HttpError::kRequestLineTooLong);
  EXPECT_EQ(uri.http_status, 414);
  const std::string over =
      line + "Host: a\r\nX: " + std::string(64 - 32 - 9 - 5 - 2 + 1, 'b') + "\r\n\r\n";
  const Outcome big = runEveryWay(over, small);
  EXPECT_EQ(big.error, HttpError::kHeadTooLarge);
  EXPECT_EQ(big.http_status, 431);
  const Outcome many = runEveryWay("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", small);
  EXPECT_EQ(many.error, HttpError::kTooManyFields);
}

TEST(RequestParser, ResetParsesTheNextRequest) {
  RequestParser p;
  ASSERT_EQ(p.parse("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n").status, ParseStatus::kDone);
  p.reset();
  ASSERT_EQ(p.parse("GET /2 HTTP/1.1\r\nHost: b\r\n\r\n").status, ParseStatus::kDone);
  EXPECT_EQ(p.head().target, "/2");
  EXPECT_EQ(p.head().authority, "b");
}

}  // namespace
}  // namespace vlb::l7::http::test
