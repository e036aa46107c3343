// Forwarding through the proxy engine: keep-alive reuse, header handling (Host, X-Forwarded-*,
// hop-by-hop), chunked both ways, 100-continue, the upgrade tunnel, local responses.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>

#include "l7/proxy/head_writer.h"
#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

using ForwardTest = ProxyFixture;

TEST_F(ForwardTest, KeepAliveReusesOneUpstreamConnection) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  for (int conn = 0; conn < 2; ++conn) {  // two client connections one after the other
    Conn c = connectTo(proxy_port);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(c.sendAll("GET /r" + std::to_string(i) + " HTTP/1.1\r\nHost: a.example\r\n\r\n"));
      Response r;
      ASSERT_TRUE(readResponse(c, &r));
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.fields["set-cookie"], "vlb=r7");  // added by the director
      EXPECT_EQ(r.fields["x-edited"], "200");       // editResponse hook
    }
    c.close();
  }
  EXPECT_EQ(up.accepts(), 1);
  EXPECT_EQ(up.requests().size(), 10u);
  EXPECT_EQ(director.real.reuses.load(), 9u);
  EXPECT_EQ(director.started.load(), 10);
  EXPECT_EQ(director.ended.load(), 10);
  EXPECT_EQ(engine.serviceCounters(0).responses[1].load(), 10u);
  EXPECT_EQ(engine.serviceCounters(0).latency.count(), 10u);
}

// Between requests a busy connection (its previous request ended less than idle_release ago)
// keeps its buffers: no give-back and take-again per request. A connection's first request, or
// one after a pause, gives them back at once (a connection opened for one request holds nothing).
TEST_F(ForwardTest, ABusyConnectionKeepsItsBuffersBetweenRequestsAFirstRequestDoesNot) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.idle_release = std::chrono::hours(1);
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(getStatus(c, "a.example"), 200);
    if (i == 0) {  // given back without waiting for idle_release (an hour)
      EXPECT_EQ(bufferedBytesOnceIdle(engine), 0u);
    } else {
      EXPECT_GT(engine.stats().buffered_bytes, 0u) << "request " << i << ": given back at once";
    }
  }
}

TEST_F(ForwardTest, AnIdleConnectionGivesItsBuffersBackAndStillServes) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.idle_release = std::chrono::milliseconds(20);
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(getStatus(c, "a.example"), 200);
    EXPECT_EQ(bufferedBytesOnceIdle(engine), 0u) << "request " << i;
  }
  EXPECT_EQ(up.accepts(), 1);
}

TEST_F(ForwardTest, HostUnchangedForwardedHeadersAddedHopByHopRemoved) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(
      c.sendAll("GET /owa/?x=1 HTTP/1.1\r\nHost: Mail.Example.TEST:8443\r\n"
                "X-Forwarded-For: 198.51.100.9\r\nX-Forwarded-Proto: https\r\n"
                "Connection: keep-alive, X-Private\r\nX-Private: secret\r\n"
                "Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
                "X-Kept: yes\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_EQ(r.status, 200);
  const auto reqs = up.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& f = reqs[0].fields;
  EXPECT_EQ(reqs[0].target, "/owa/?x=1");
  EXPECT_EQ(f.at("host"), "Mail.Example.TEST:8443");
  EXPECT_EQ(f.at("x-forwarded-for"), "198.51.100.9, 127.0.0.1");
  EXPECT_EQ(f.at("x-forwarded-proto"), "http");
  EXPECT_EQ(f.at("x-forwarded-host"), "Mail.Example.TEST:8443");
  EXPECT_EQ(f.at("x-kept"), "yes");
  for (const char* gone : {"x-private", "keep-alive", "te", "upgrade", "connection"})
    EXPECT_EQ(f.count(gone), 0u) << gone;
}

// ServiceConfig::x_forwarded = false: nothing added, the client's own fields untouched.
TEST_F(ForwardTest, XForwardedOffAddsNoneAndKeepsTheClients) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  ServiceConfig s;
  s.name = "plain";
  s.address = "127.0.0.1";
  s.x_forwarded = false;
  config.services.push_back(s);
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /a HTTP/1.1\r\nHost: a.example\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_TRUE(c.sendAll("GET /b HTTP/1.1\r\nHost: b.example\r\nX-Forwarded-For: 198.51.100.9\r\n"
                        "X-Forwarded-Proto: https\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  const auto reqs = up.requests();
  ASSERT_EQ(reqs.size(), 2u);
  for (const char* name : {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"})
    EXPECT_EQ(reqs[0].fields.count(name), 0u) << name;
  EXPECT_EQ(reqs[0].fields.at("host"), "a.example");
  EXPECT_EQ(reqs[1].fields.at("x-forwarded-for"), "198.51.100.9");
  EXPECT_EQ(reqs[1].fields.at("x-forwarded-proto"), "https");
  EXPECT_EQ(reqs[1].fields.count("x-forwarded-host"), 0u);
}

TEST_F(ForwardTest, AbsoluteFormBecomesOriginFormWithItsAuthorityAsHost) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET http://a.example/p?q HTTP/1.1\r\nHost: a.example\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_EQ(up.requests()[0].target, "/p?q");
  EXPECT_EQ(up.requests()[0].fields.at("host"), "a.example");
}

void chunkedEchoHandler(Conn& c, TestUpstream& up) {
  Request r;
  while (readRequest(c, &r)) {
    up.record(r);
    std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (size_t off = 0; off < r.body.size(); off += 1000) {
      const std::string piece = r.body.substr(off, 1000);
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      resp += size + piece + "\r\n";
    }
    resp += "0\r\n\r\n";
    if (!c.sendAll(resp)) return;
  }
}

TEST_F(ForwardTest, ChunkedBodiesBothWays) {
  TestUpstream& up = makeUpstream(chunkedEchoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  std::string body;
  for (int i = 0; i < 5000; ++i) body += char('a' + i % 26);
  std::string req = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t off = 0; off < body.size(); off += 777) {
    const std::string piece = body.substr(off, 777);
    char size[16];
    std::snprintf(size, sizeof size, "%zX;ext=1\r\n", piece.size());
    req += size + piece + "\r\n";
  }
  req += "0\r\n\r\n";
  ASSERT_TRUE(c.sendAll(req));
  Response r;
  ASSERT_TRUE(readResponse(c, &r, "POST"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.body, body);
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_TRUE(up.requests()[0].chunked);
  EXPECT_EQ(up.requests()[0].body, body);
  // The connection is still usable.
  ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);
}

void continueHandler(Conn& c, TestUpstream& up) {
  // Reads the head only, says 100 Continue, then reads the body.
  std::string& p = c.pending;
  for (int i = 0; i < 1000 && p.find("\r\n\r\n") == std::string::npos; ++i)
    if (!c.readMore()) return;
  const size_t end = p.find("\r\n\r\n") + 4;
  Request r;
  r.head = p.substr(0, end);
  p.erase(0, end);
  if (!c.sendAll("HTTP/1.1 100 Continue\r\n\r\n")) return;
  for (int i = 0; i < 1000 && p.size() < 5; ++i)
    if (!c.readMore()) return;
  r.body = p.substr(0, 5);
  up.record(r);
  c.sendAll("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\n" + r.body);
}

TEST_F(ForwardTest, ExpectContinueIsRelayedBeforeTheBody) {
  TestUpstream& up = makeUpstream(continueHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(
      c.sendAll("PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                "Expect: 100-continue\r\n\r\n"));
  Response interim;
  ASSERT_TRUE(readResponse(c, &interim, "PUT"));
  EXPECT_EQ(interim.status, 100);  // nothing of the body was sent before this
  ASSERT_TRUE(c.sendAll("hello"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r, "PUT"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hello");
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_NE(up.requests()[0].head.find("Expect: 100-continue"), std::string::npos);
}

void upgradeEchoHandler(Conn& c, TestUpstream& up) {
  Request r;
  if (!readRequest(c, &r)) return;
  up.record(r);
  if (!c.sendAll("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\n\r\nhello-from-real"))
    return;
  for (int i = 0; i < 100; ++i) {  // echo raw bytes until the proxy half-closes, then close ours
    if (c.pending.empty() && !c.readMore()) {
      ::shutdown(c.fd, SHUT_WR);
      return;
    }
    if (!c.sendAll(c.pending)) return;
    c.pending.clear();
  }
}

TEST_F(ForwardTest, UpgradeBecomesAByteTunnel) {
  TestUpstream& up = makeUpstream(upgradeEchoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(
      c.sendAll("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
                "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_EQ(r.status, 101);
  EXPECT_EQ(r.fields["upgrade"], "websocket");
  EXPECT_EQ(r.fields["connection"], "upgrade");
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_EQ(up.requests()[0].fields.at("upgrade"), "websocket");
  EXPECT_EQ(up.requests()[0].fields.at("connection"), "upgrade");
  for (int i = 0; i < 20 && c.pending.size() < 15; ++i) ASSERT_TRUE(c.readMore());
  EXPECT_EQ(c.pending, "hello-from-real");
  c.pending.clear();
  const std::string frame("\x81\x05hello\x00\xff binary", 16);
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(c.sendAll(frame));
    for (int i = 0; i < 20 && c.pending.size() < frame.size(); ++i) ASSERT_TRUE(c.readMore());
    EXPECT_EQ(c.pending, frame);
    c.pending.clear();
  }
  // The client's half-close reaches the real, whose close ends the tunnel.
  ASSERT_TRUE(c.sendAll("bye"));
  ::shutdown(c.fd, SHUT_WR);
  for (int i = 0; i < 20 && c.readMore();) ++i;
  EXPECT_EQ(c.pending, "bye");
  EXPECT_EQ(director.ended.load(), 1);
}

TEST_F(ForwardTest, DirectorLocalResponseNeverReachesTheReal) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /forbidden HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.fields["x-director"], "refused");
  EXPECT_EQ(r.body, "no\n");
  ASSERT_TRUE(c.sendAll("GET /after HTTP/1.1\r\nHost: a\r\n\r\n"));  // still keep-alive
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(up.requests().size(), 1u);
  EXPECT_EQ(engine.serviceCounters(0).local_responses.load(), 1u);
}

TEST_F(ForwardTest, SeeOtherRedirectKeepsItsStatusAndReason) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("POST /see-other HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r, "POST"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.head.substr(0, r.head.find("\r\n")), "HTTP/1.1 303 See Other");
  EXPECT_EQ(r.fields["location"], "/elsewhere");
  EXPECT_EQ(up.accepts(), 0);
}

TEST(ReasonPhrase, EveryRedirectStatusHasItsOwn) {
  EXPECT_EQ(reasonPhrase(301), "Moved Permanently");
  EXPECT_EQ(reasonPhrase(302), "Found");
  EXPECT_EQ(reasonPhrase(303), "See Other");
  EXPECT_EQ(reasonPhrase(307), "Temporary Redirect");
  EXPECT_EQ(reasonPhrase(308), "Permanent Redirect");
}

// Director::onUpstreamOpened/Closed bracket each upstream connection, pooled idle time included
// (least-connections counts them).
TEST_F(ForwardTest, UpstreamConnectionHooksCountPooledConnections) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  {
    Conn c = connectTo(proxy_port);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(c.sendAll("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"));
      Response r;
      ASSERT_TRUE(readResponse(c, &r));
    }
  }
  // The response is out, the request ended; the upstream connection is idle in the pool.
  EXPECT_EQ(director.ended.load(), 3);
  EXPECT_EQ(director.upstreams_opened.load(), 1);
  EXPECT_EQ(director.upstreams_closed.load(), 0);
  EXPECT_EQ(director.real.active_connections.load(), 1);
  engine.stop();  // closes the pool
  EXPECT_EQ(director.upstreams_closed.load(), 1);
  EXPECT_EQ(director.real.active_connections.load(), 0);
}

TEST_F(ForwardTest, BodyOverTheLimitIs413AndHeadOverTheLimitIs431) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.limits.max_body_bytes = 1000;
  config.limits.max_head_bytes = 2048;
  startProxy(director, config);
  {
    Conn c = connectTo(proxy_port);
    ASSERT_TRUE(c.sendAll("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 413);
  }
  {
    Conn c = connectTo(proxy_port);
    ASSERT_TRUE(
        c.sendAll("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(4000, 'x') + "\r\n\r\n"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 431);
  }
  EXPECT_EQ(up.accepts(), 0);
}

TEST_F(ForwardTest, ConnectIs405AndNeverRouted) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(up.accepts(), 0);
  EXPECT_EQ(director.started.load(), 0);
}

TEST_F(ForwardTest, Http10ClientGetsTheChunkedBodyDecodedAndAClose) {
  TestUpstream& up = makeUpstream(chunkedEchoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("POST /old HTTP/1.0\r\nContent-Length: 4\r\n\r\nabcd"));
  for (int i = 0; i < 100 && c.readMore();) ++i;  // until the proxy closes
  EXPECT_EQ(c.pending.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_EQ(c.pending.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(c.pending.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(c.pending.substr(c.pending.size() - 8), "\r\n\r\nabcd");
  ASSERT_EQ(up.requests().size(), 1u);
  EXPECT_FALSE(up.requests()[0].fields.at("host").empty());  // one was made up for HTTP/1.1
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
