// Ambiguous or malformed requests get 400 and a closed connection, and not one byte of them
// reaches the real: CL+TE, different Content-Lengths, a bad chunk size, obs-fold, and friends.
#include <gtest/gtest.h>

#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

// Answers one warm-up request (so that the proxy holds a ready, pooled connection and would send
// a head at once), then counts every further byte and never answers.
void countingHandler(Conn& c, TestUpstream& up) {
  Request warm_up;
  if (!readRequest(c, &warm_up)) return;
  if (!c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) return;
  up.countBytes(c.pending.size());
  c.pending.clear();
  for (int i = 0; i < 100'000; ++i) {
    if (!c.readMore()) return;
    up.countBytes(c.pending.size());
    c.pending.clear();
  }
}

struct SmugglingCase {
  const char* name;
  const char* request;
  int status;
};

class SmugglingTest : public ProxyFixture, public ::testing::WithParamInterface<SmugglingCase> {};

TEST_P(SmugglingTest, RefusedWith400AndTheRealSeesNothing) {
  TestUpstream& up = makeUpstream(countingHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  Response r;
  ASSERT_TRUE(c.sendAll("GET /warm-up HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(readResponse(c, &r));
  ASSERT_EQ(r.status, 200);
  const uint64_t warm_up_bytes = director.real.bytes_in.load();
  ASSERT_TRUE(c.sendAll(GetParam().request));  // goes to the pooled, connected real at once
  ASSERT_TRUE(readResponse(c, &r));
  EXPECT_EQ(r.status, GetParam().status);
  EXPECT_EQ(r.fields["connection"], "close");
  // The proxy closes: the client reads EOF (bounded by the 10 s receive timeout).
  for (int i = 0; i < 100 && c.readMore();) ++i;
  EXPECT_TRUE(c.pending.empty());
  engine.stop();  // whatever the proxy sent, it has sent now
  up.stop();      // and the real has read it
  EXPECT_EQ(director.real.bytes_in.load(), warm_up_bytes) << "bytes the proxy wrote to the real";
  EXPECT_EQ(up.bytesReceived(), 0u);
  EXPECT_EQ(director.started.load(), director.ended.load());
  EXPECT_EQ(engine.serviceCounters(0).bad_requests.load(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SmugglingTest,
    ::testing::Values(
        SmugglingCase{"ContentLengthAndTransferEncoding",
                      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
                      400},
        SmugglingCase{"DuplicateContentLengthDifferentValues",
                      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"
                      "abcde",
                      400},
        SmugglingCase{"BadChunkSize",
                      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "0x5\r\nhello\r\n0\r\n\r\n",
                      400},
        SmugglingCase{"NegativeChunkSize",
                      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
                      400},
        SmugglingCase{"ObsFold", "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n", 400},
        SmugglingCase{"TransferEncodingNotChunkedLast",
                      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
                      400},
        SmugglingCase{"SpaceBeforeColon",
                      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nabcde", 400},
        SmugglingCase{"BareLineFeed", "GET / HTTP/1.1\nHost: a\n\n", 400},
        SmugglingCase{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400}),
    [](const ::testing::TestParamInfo<SmugglingCase>& info) { return info.param.name; });

}  // namespace
}  // namespace vlb::l7::proxy::testing
