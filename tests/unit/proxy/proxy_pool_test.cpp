// Upstream connection reuse at its edges: a pooled connection the real closed under us (silently,
// or with a 408 Request Timeout) is retried once for idempotent requests and answered 502 (or the
// 408) otherwise; a burst of many requests in flight keeps its upstream connections for the next
// one; stop() lets an in-flight request finish; pipelined requests are answered in order.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

using PoolTest = ProxyFixture;

// The first connection answers one request, then reads the next one and closes without a word
// (the race where a server times out a keep-alive connection as a request arrives). Later
// connections echo.
TestUpstream::Handler closesAfterFirstAnswer(std::atomic<int>* connections) {
  return [connections](Conn& c, TestUpstream& up) {
    if (connections->fetch_add(1) > 0) {
      echoHandler(c, up);
      return;
    }
    Request r;
    if (!readRequest(c, &r)) return;
    up.record(r);
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
    if (readRequest(c, &r)) ::shutdown(c.fd, SHUT_RDWR);
  };
}

TEST_F(PoolTest, StaleConnectionIsRetriedOnceForAnIdempotentRequest) {
  std::atomic<int> connections{0};
  TestUpstream& up = makeUpstream(closesAfterFirstAnswer(&connections));
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.body, "first");
  ASSERT_TRUE(c.sendAll("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(up.accepts(), 2);
  EXPECT_EQ(director.real.retries.load(), 1u);
  EXPECT_EQ(director.started.load(), 2);
  EXPECT_EQ(director.ended.load(), 2);
}

TEST_F(PoolTest, StaleConnectionIs502ForAPost) {
  std::atomic<int> connections{0};
  TestUpstream& up = makeUpstream(closesAfterFirstAnswer(&connections));
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_TRUE(c.sendAll("POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"));
  ASSERT_TRUE(readResponse(c, &r, "POST"));
  EXPECT_EQ(r.status, 502);  // it may have been processed: never sent twice
  EXPECT_EQ(up.accepts(), 1);
  EXPECT_EQ(director.real.retries.load(), 0u);
}

// The first connection answers one request, then answers the next one with 408 and closes (a
// real timing out an idle keep-alive connection and saying so). Later connections echo.
TestUpstream::Handler times408AfterFirstAnswer(std::atomic<int>* connections) {
  return [connections](Conn& c, TestUpstream& up) {
    if (connections->fetch_add(1) > 0) {
      echoHandler(c, up);
      return;
    }
    Request r;
    if (!readRequest(c, &r)) return;
    up.record(r);
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
    if (!readRequest(c, &r)) return;
    up.record(r);
    c.sendAll("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 4\r\n\r\nidle");
    ::shutdown(c.fd, SHUT_RDWR);
  };
}

TEST_F(PoolTest, Stale408IsRetriedOnceOnAFreshConnectionForAGet) {
  std::atomic<int> connections{0};
  TestUpstream& up = makeUpstream(times408AfterFirstAnswer(&connections));
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.body, "first");
  ASSERT_TRUE(c.sendAll("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);  // the echo on the fresh connection, not the stale one's 408
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(up.accepts(), 2);
  EXPECT_EQ(director.real.retries.load(), 1u);
  EXPECT_EQ(director.started.load(), 2);
  EXPECT_EQ(director.ended.load(), 2);
  const auto seen = up.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].target, "/2");
  EXPECT_EQ(seen[2].target, "/2");
  // The client's connection lives on: the 408 never reached it.
  ASSERT_TRUE(c.sendAll("GET /3 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 200);
}

TEST_F(PoolTest, Stale408IsRelayedForAPost) {
  std::atomic<int> connections{0};
  TestUpstream& up = makeUpstream(times408AfterFirstAnswer(&connections));
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_TRUE(c.sendAll("POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"));
  ASSERT_TRUE(readResponse(c, &r, "POST"));
  EXPECT_EQ(r.status, 408);  // it may have been processed: never sent twice
  EXPECT_EQ(r.body, "idle");
  EXPECT_EQ(up.accepts(), 1);
  EXPECT_EQ(director.real.retries.load(), 0u);
}

// A 408 on a connection just opened for the request is the real's answer: relayed.
TEST_F(PoolTest, A408OnAFreshConnectionIsRelayed) {
  TestUpstream& up = makeUpstream([](Conn& c, TestUpstream& u) {
    Request r;
    if (!readRequest(c, &r)) return;
    u.record(r);
    c.sendAll("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 4\r\n\r\nslow");
  });
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.body, "slow");
  EXPECT_EQ(up.accepts(), 1);
  EXPECT_EQ(director.real.retries.load(), 0u);
}

// Holds every request until `target` requests are in flight at once, then answers them all
// (keep-alive): a burst with that many upstream connections busy together.
struct Barrier {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  int target = 0;
};

TestUpstream::Handler answersInBursts(Barrier* b) {
  return [b](Conn& c, TestUpstream& up) {
    Request r;
    while (readRequest(c, &r)) {
      up.record(r);
      {
        std::unique_lock lock(b->mu);
        const int mine = ++b->arrived;
        const int round = (mine + b->target - 1) / b->target;  // the burst this request is in
        b->cv.notify_all();
        if (!b->cv.wait_for(lock, std::chrono::seconds(10),
                            [&] { return b->arrived >= round * b->target; }))
          return;
      }
      if (!c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) return;
    }
  };
}

// A site whose requests in flight peak above the pool's old cap (64 per real): the second burst
// finds the first one's upstream connections pooled and opens none.
TEST_F(PoolTest, ABurstOfManyRequestsInFlightKeepsItsUpstreamConnections) {
  constexpr int kInFlight = 100;
  Barrier barrier;
  barrier.target = kInFlight;
  TestUpstream& up = makeUpstream(answersInBursts(&barrier));
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  std::vector<Conn> clients;
  for (int i = 0; i < kInFlight; ++i) clients.push_back(connectTo(proxy_port));
  for (int burst = 0; burst < 2; ++burst) {
    for (Conn& c : clients) ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    for (Conn& c : clients) {
      Response r;
      ASSERT_TRUE(readResponse(c, &r)) << "burst " << burst;
      EXPECT_EQ(r.status, 200);
    }
    EXPECT_EQ(up.accepts(), kInFlight) << "after burst " << burst;
  }
  EXPECT_EQ(director.upstreams_closed.load(), 0);
}

TEST_F(PoolTest, StopLetsTheInFlightRequestFinish) {
  std::promise<void> received;
  std::future<void> request_at_real = received.get_future();
  TestUpstream& up = makeUpstream([&received](Conn& c, TestUpstream& u) {
    Request r;
    if (!readRequest(c, &r)) return;
    u.record(r);
    received.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a slow real (the behaviour)
    c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
  });
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn idle = connectTo(proxy_port);  // an idle keep-alive client: closed at once by stop()
  ASSERT_TRUE(idle.sendAll("GET /forbidden HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response first;
  ASSERT_TRUE(readResponse(idle, &first));
  EXPECT_EQ(first.status, 403);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_EQ(request_at_real.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::thread stopper([this] { engine.stop(); });
  Response r;
  const bool got = readResponse(c, &r);
  stopper.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.fields["connection"], "close");  // draining: no keep-alive
  EXPECT_FALSE(idle.readMore());
}

// stop() (a commit rebuilding the engines) must not close a connection that has not had its first
// answer: one connected but silent, one halfway through its head. Both are answered, with close.
TEST_F(PoolTest, StopAnswersConnectionsThatHaveNotHadTheirFirstResponse) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn idle = connectTo(proxy_port);  // served once: closed at once by stop(), our signal
  ASSERT_TRUE(idle.sendAll("GET /forbidden HTTP/1.1\r\nHost: a\r\n\r\n"));
  Response r;
  ASSERT_TRUE(readResponse(idle, &r));
  Conn fresh = connectTo(proxy_port);
  Conn partial = connectTo(proxy_port);
  ASSERT_TRUE(partial.sendAll("GET /partial HTTP/1.1\r\nHo"));
  std::thread stopper([this] { engine.stop(); });
  EXPECT_FALSE(idle.readMore());  // the drain has begun
  ASSERT_TRUE(fresh.sendAll("GET /fresh HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(partial.sendAll("st: a\r\n\r\n"));
  Response rf, rp;
  const bool got_fresh = readResponse(fresh, &rf);
  const bool got_partial = readResponse(partial, &rp);
  const bool fresh_closed = got_fresh && !fresh.readMore();
  stopper.join();
  ASSERT_TRUE(got_fresh);
  ASSERT_TRUE(got_partial);
  EXPECT_EQ(rf.status, 200);
  EXPECT_EQ(rp.status, 200);
  EXPECT_EQ(rf.fields["connection"], "close");
  EXPECT_EQ(rp.fields["connection"], "close");
  EXPECT_TRUE(fresh_closed);
  EXPECT_EQ(up.requests().size(), 2u);
}

TEST_F(PoolTest, PipelinedRequestsAreAnsweredInOrder) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(
      c.sendAll("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\none"
                "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\ntwo"
                "GET /c HTTP/1.1\r\nHost: a\r\n\r\n"));
  for (const char* expected : {"one", "two", ""}) {
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, expected);
  }
  EXPECT_EQ(up.requests().size(), 3u);
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
