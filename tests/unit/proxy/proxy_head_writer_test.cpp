// The heads the proxy writes, byte for byte: what goes as received (request and status line, the
// field lines kept, in order), what goes (hop-by-hop, fields Connection names), what is added.
#include <gtest/gtest.h>

#include <string>

#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"
#include "l7/proxy/head_writer.h"

namespace vlb::l7::proxy {
namespace {

std::string upstreamHead(const std::string& request, UpstreamHeadOptions o = {}) {
  http::RequestParser p;
  EXPECT_EQ(p.parse(request).status, http::ParseStatus::kDone) << request;
  BufferAccount account;
  ByteBuffer out(&account);
  if (o.client_ip.empty()) o.client_ip = "192.0.2.7";
  writeUpstreamHead(p.head(), o, &out);
  return std::string(out.view());
}

std::string clientHead(const std::string& response, ClientHeadOptions o = {}) {
  http::ResponseParser p;
  p.reset(http::RequestKind::kOther);
  EXPECT_EQ(p.parse(response).status, http::ParseStatus::kDone) << response;
  BufferAccount account;
  ByteBuffer out(&account);
  writeClientHead(p.head(), o, &out);
  return std::string(out.view());
}

TEST(UpstreamHead, KeptLinesGoAsReceivedAndOursFollow) {
  EXPECT_EQ(upstreamHead("GET /a?b HTTP/1.1\r\nHost: Mail.Example.TEST\r\n"
                         "Accept:   */*  \r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n"
                         "X-Kept: 1\r\n\r\n"),
            "GET /a?b HTTP/1.1\r\nHost: Mail.Example.TEST\r\nAccept:   */*  \r\nX-Kept: 1\r\n"
            "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n"
            "X-Forwarded-Host: Mail.Example.TEST\r\n\r\n");
}

TEST(UpstreamHead, FieldsConnectionNamesGoWhateverTheirName) {
  // `close` is an option, yet a field of that name is connection-specific too; so are Host and
  // X-Forwarded-For when listed (Host is then written from the authority).
  EXPECT_EQ(upstreamHead("GET / HTTP/1.1\r\nX-A: 1\r\nClose: x\r\nHost: h\r\n"
                         "Connection: close, x-forwarded-for\r\nConnection: HOST\r\n"
                         "X-Forwarded-For: 198.51.100.1\r\nX-B: 2\r\n\r\n"),
            "GET / HTTP/1.1\r\nX-A: 1\r\nX-B: 2\r\nHost: h\r\nX-Forwarded-For: 192.0.2.7\r\n"
            "X-Forwarded-Proto: http\r\nX-Forwarded-Host: h\r\n\r\n");
}

TEST(UpstreamHead, ClientForwardedForIsJoinedWithOursAndTheirClaimsReplaced) {
  UpstreamHeadOptions o;
  o.tls = true;
  EXPECT_EQ(upstreamHead("GET / HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1\r\nHost: h\r\n"
                         "X-Forwarded-Proto: http\r\nx-forwarded-for: 198.51.100.2, 10.0.0.1\r\n"
                         "X-Forwarded-Host: evil\r\n\r\n",
                         o),
            "GET / HTTP/1.1\r\nHost: h\r\n"
            "X-Forwarded-For: 198.51.100.1, 198.51.100.2, 10.0.0.1, 192.0.2.7\r\n"
            "X-Forwarded-Proto: https\r\nX-Forwarded-Host: h\r\n\r\n");
}

TEST(UpstreamHead, Http10AndAbsoluteFormAreRewritten) {
  UpstreamHeadOptions o;
  o.x_forwarded = false;
  o.default_host = "192.0.2.80:8080";
  EXPECT_EQ(upstreamHead("GET /x HTTP/1.0\r\nAccept: */*\r\n\r\n", o),
            "GET /x HTTP/1.1\r\nAccept: */*\r\nHost: 192.0.2.80:8080\r\n\r\n");
  EXPECT_EQ(upstreamHead("GET http://a.example/p?q HTTP/1.1\r\nHost: b\r\nX: y\r\n\r\n", o),
            "GET /p?q HTTP/1.1\r\nHost: a.example\r\nX: y\r\n\r\n");
}

TEST(UpstreamHead, UpgradeKeptOnlyForAnUpgradeRequest) {
  UpstreamHeadOptions o;
  o.x_forwarded = false;
  EXPECT_EQ(upstreamHead("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\n\r\n",
                         o),
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
  EXPECT_EQ(upstreamHead("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\n\r\n", o),
            "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(ClientHead, StatusLineAndKeptLinesGoAsReceived) {
  EXPECT_EQ(clientHead("HTTP/1.1 200 Fine Thanks\r\nServer: nginx\r\nConnection: keep-alive\r\n"
                       "Content-Length: 0\r\nKeep-Alive: timeout=5\r\nETag:  \"x\"\r\n\r\n"),
            "HTTP/1.1 200 Fine Thanks\r\nServer: nginx\r\nContent-Length: 0\r\nETag:  \"x\"\r\n\r\n");
}

TEST(ClientHead, Http10StatusLineOrNoReasonIsWrittenAnew) {
  EXPECT_EQ(clientHead("HTTP/1.0 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n"),
            "HTTP/1.1 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(clientHead("HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n"),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
}

TEST(ClientHead, EditsListedFieldsAndStrippedChunkedGo) {
  HeaderEdits edits;
  edits.remove = {"LOCATION"};
  edits.add = {{"Location", "https://mail.example.test/owa/"}};
  const FieldPairs add = {{"Set-Cookie", "vlb=abc"}};
  ClientHeadOptions o;
  o.edits = &edits;
  o.add = &add;
  o.strip_chunked = true;
  o.close = true;
  EXPECT_EQ(clientHead("HTTP/1.1 302 Found\r\nLocation: http://mbx1/owa/\r\nX-Secret: 1\r\n"
                       "Connection: x-secret\r\nTransfer-Encoding: chunked\r\nX-A: 2\r\n\r\n",
                       o),
            "HTTP/1.1 302 Found\r\nX-A: 2\r\nLocation: https://mail.example.test/owa/\r\n"
            "Set-Cookie: vlb=abc\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace vlb::l7::proxy
