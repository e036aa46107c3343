// Retiring an engine (a commit replaced it): it accepts nothing more and closes idle keep-alive
// connections, while WebSocket tunnels go on until they end; hurry() and timeouts.retire end them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>

#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

using RetireTest = ProxyFixture;

// After the 101, echoes raw bytes until the proxy half-closes or closes, then closes its side.
void upgradeEcho(Conn& c, TestUpstream& up) {
  Request r;
  if (!readRequest(c, &r)) return;
  up.record(r);
  if (!c.sendAll(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
    return;
  for (int i = 0; i < 1000; ++i) {
    if (c.pending.empty() && !c.readMore()) break;
    if (!c.sendAll(c.pending)) break;
    c.pending.clear();
  }
  ::shutdown(c.fd, SHUT_WR);
}

Conn openTunnel(uint16_t port) {
  Conn c = connectTo(port);
  EXPECT_TRUE(c.sendAll(
      "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
  Response r;
  EXPECT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 101);
  return c;
}

// Sends `text` through the tunnel and reads it back.
bool echoes(Conn& c, const std::string& text) {
  c.pending.clear();
  if (!c.sendAll(text)) return false;
  for (int i = 0; i < 100 && c.pending.size() < text.size(); ++i)
    if (!c.readMore()) return false;
  return c.pending == text;
}

// True when the peer closed the connection (EOF or reset), false on the 10 s receive timeout
// (setTimeouts in connectTo) or data.
bool closedByPeer(Conn& c) {
  char byte;
  const ssize_t n = ::recv(c.fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

EngineConfig retireWithin(std::chrono::milliseconds limit) {
  EngineConfig c;
  c.timeouts.retire = limit;  // a broken test does not wait for the default hour
  return c;
}

TEST_F(RetireTest, KeepsTunnelsClosesIdleKeepAliveAndAcceptsNothing) {
  TestUpstream& up = makeUpstream(upgradeEcho);
  TestDirector& director = makeDirector(up.port());
  startProxy(director, retireWithin(std::chrono::seconds(60)));
  Conn idle = connectTo(proxy_port);
  ASSERT_TRUE(idle.sendAll("GET /forbidden HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response first;
  ASSERT_TRUE(readResponse(idle, &first));
  Conn tunnel = openTunnel(proxy_port);
  ASSERT_TRUE(echoes(tunnel, "before"));

  engine.beginRetire();
  EXPECT_TRUE(closedByPeer(idle));  // the idle keep-alive connection closes at once
  for (int round = 0; round < 3; ++round)
    EXPECT_TRUE(echoes(tunnel, "after " + std::to_string(round)));
  EXPECT_TRUE(refusesConnections(proxy_port));
  EXPECT_EQ(engine.stats().client_connections, 1u);

  // The tunnel ends on its own (the client closes): the engine goes away.
  auto stopped = std::async(std::launch::async, [this] { engine.stop(); });
  ::shutdown(tunnel.fd, SHUT_WR);
  EXPECT_TRUE(closedByPeer(tunnel));
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(director.ended.load(), 1);
  EXPECT_EQ(director.upstreams_opened.load(), director.upstreams_closed.load());
}

TEST_F(RetireTest, HurryClosesARetiredTunnel) {
  TestUpstream& up = makeUpstream(upgradeEcho);
  TestDirector& director = makeDirector(up.port());
  startProxy(director, retireWithin(std::chrono::seconds(60)));
  Conn tunnel = openTunnel(proxy_port);
  engine.beginRetire();
  ASSERT_TRUE(echoes(tunnel, "still here"));
  auto stopped = std::async(std::launch::async, [this] { engine.stop(); });
  engine.hurry();
  EXPECT_TRUE(closedByPeer(tunnel));
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
}

TEST_F(RetireTest, RetireLimitEndsATunnelThatGoesOn) {
  TestUpstream& up = makeUpstream(upgradeEcho);
  TestDirector& director = makeDirector(up.port());
  startProxy(director, retireWithin(std::chrono::milliseconds(300)));
  Conn tunnel = openTunnel(proxy_port);
  engine.beginRetire();
  // Busy or not, the tunnel is cut once the retirement has lasted timeouts.retire.
  EXPECT_TRUE(closedByPeer(tunnel));
  engine.stop();
  EXPECT_EQ(director.ended.load(), 1);
}

// A request under way when the retirement begins is answered, with Connection: close.
TEST_F(RetireTest, RequestUnderWayIsAnsweredWithClose) {
  std::promise<void> received, release;
  auto at_real = received.get_future();
  auto gate = release.get_future().share();
  TestUpstream& up = makeUpstream([&received, gate](Conn& c, TestUpstream& u) {
    Request r;
    if (!readRequest(c, &r)) return;
    u.record(r);
    received.set_value();
    gate.wait_for(std::chrono::seconds(10));
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
  });
  TestDirector& director = makeDirector(up.port());
  startProxy(director, retireWithin(std::chrono::seconds(60)));
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_EQ(at_real.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  engine.beginRetire();
  release.set_value();
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.fields["connection"], "close");
  EXPECT_TRUE(closedByPeer(c));
  engine.stop();
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
