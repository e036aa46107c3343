// Timeouts: a long poll outlives the client timeouts while within the server timeout; connect
// refused is 502, connect timeout and server timeout are 504; a slow head gets 408.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

using TimeoutTest = ProxyFixture;

EngineConfig shortTimeouts() {
  EngineConfig c;
  c.timeouts.client_idle = Millis(200);
  c.timeouts.client_header = Millis(200);
  c.timeouts.connect = Millis(300);
  c.timeouts.server = Millis(3000);
  return c;
}

TEST_F(TimeoutTest, LongPollOutlivesClientTimeoutsWithinServerTimeout) {
  TestUpstream& up = makeUpstream([](Conn& c, TestUpstream& u) {
    Request r;
    if (!readRequest(c, &r)) return;
    u.record(r);
    // The behaviour under test: the real answers after 4x the client timeouts.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnews");
  });
  TestDirector& director = makeDirector(up.port());
  startProxy(director, shortTimeouts());
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /poll HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "news");
}

TEST_F(TimeoutTest, ServerTimeoutIs504) {
  TestUpstream& up = makeUpstream([](Conn& c, TestUpstream& u) {
    Request r;
    if (readRequest(c, &r)) u.record(r);
    c.readMore();  // never answers; returns when the proxy gives up and closes
  });
  TestDirector& director = makeDirector(up.port());
  EngineConfig config = shortTimeouts();
  config.timeouts.server = Millis(300);
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(engine.serviceCounters(0).upstream_timeouts.load(), 1u);
  EXPECT_EQ(director.ended.load(), 1);
}

TEST_F(TimeoutTest, ConnectionRefusedIs502) {
  TestDirector& director = makeDirector(unusedPort());
  startProxy(director, shortTimeouts());
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(director.real.connect_errors.load(), 1u);
  EXPECT_EQ(engine.serviceCounters(0).upstream_errors.load(), 1u);
}

TEST_F(TimeoutTest, ConnectTimeoutIs504) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so connect hangs.
  const int full = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(full, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(full, 0), 0);
  socklen_t len = sizeof a;
  getsockname(full, reinterpret_cast<sockaddr*>(&a), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {  // fill the queue (backlog 0 holds one); non-blocking connects
    const int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(f);
  }
  TestDirector& director = makeDirector(ntohs(a.sin_port));
  startProxy(director, shortTimeouts());
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 504);
  for (int f : fillers) ::close(f);
  ::close(full);
}

TEST_F(TimeoutTest, IncompleteHeadGets408AndIdleKeepAliveCloses) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director, shortTimeouts());
  {
    Conn c = connectTo(proxy_port);
    ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n"));  // the head never ends
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 408);
  }
  {
    Conn c = connectTo(proxy_port);
    ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(c.readMore());  // the idle keep-alive connection is closed by the proxy
  }
  EXPECT_EQ(engine.serviceCounters(0).client_timeouts.load(), 2u);
}

TEST_F(TimeoutTest, EachServiceHasItsOwnTimeouts) {
  TestUpstream& up = makeUpstream([](Conn& c, TestUpstream& u) {
    Request r;
    if (!readRequest(c, &r)) return;
    u.record(r);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the behaviour under test
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;  // engine-wide: the default 200 s server timeout
  ServiceConfig impatient;
  impatient.name = "impatient";
  impatient.address = "127.0.0.1";
  impatient.timeouts = Timeouts{};
  impatient.timeouts->server = Millis(200);
  ServiceConfig patient = impatient;
  patient.name = "patient";
  patient.timeouts.reset();
  config.services = {impatient, patient};
  startProxy(director, config);
  Conn a = connectTo(engine.port(0));
  Conn b = connectTo(engine.port(1));
  ASSERT_TRUE(a.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(b.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response ra, rb;
  ASSERT_TRUE(readResponse(a, &ra));
  ASSERT_TRUE(readResponse(b, &rb));
  EXPECT_EQ(ra.status, 504);
  EXPECT_EQ(rb.status, 200);
  EXPECT_EQ(engine.serviceCounters(0).upstream_timeouts.load(), 1u);
  EXPECT_EQ(engine.serviceCounters(1).upstream_timeouts.load(), 0u);
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
