// Streaming with bounded memory: a 1 GiB request body and a 1 GiB response go through the proxy
// while the engine's buffers never hold more than a few hundred KiB (the high-water counter).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdio>
#include <thread>

#include "l7/http/body_reader.h"
#include "l7/http/request_parser.h"
#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

constexpr uint64_t kGiB = uint64_t(1) << 30;
constexpr size_t kBlock = 256 * 1024;
constexpr uint64_t kBufferBound = 1 << 20;  // what the engine may hold at most, all buffers

// Byte i of the stream: a pattern that changes inside every block and across blocks.
std::string patternBlock(uint64_t block_index) {
  std::string b(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) b[i] = char((block_index * 7 + i * 131 + (i >> 9)) & 0xff);
  return b;
}

// A cheap order-sensitive checksum, the same on both ends.
struct Checksum {
  uint64_t sum = 0, pos = 0;
  void add(std::string_view data) {
    for (char c : data) sum += (uint64_t(uint8_t(c)) + 1) * (++pos & 0xffff);
  }
};

bool sendPattern(Conn& c, uint64_t bytes) {
  std::vector<std::string> blocks;
  for (uint64_t b = 0; b < 4; ++b) blocks.push_back(patternBlock(b));
  for (uint64_t off = 0, block = 0; off < bytes; off += kBlock, ++block) {
    // Blocks repeat with period 4 in the sender to keep it fast; the receiver checks the same.
    const std::string& data = blocks[block % 4];
    if (!c.sendAll(
            std::string_view(data).substr(0, size_t(std::min<uint64_t>(kBlock, bytes - off)))))
      return false;
  }
  return true;
}

uint64_t periodicChecksum(uint64_t bytes) {
  Checksum c;
  std::vector<std::string> blocks;
  for (uint64_t b = 0; b < 4; ++b) blocks.push_back(patternBlock(b));
  for (uint64_t off = 0, block = 0; off < bytes; off += kBlock, ++block)
    c.add(std::string_view(blocks[block % 4])
              .substr(0, size_t(std::min<uint64_t>(kBlock, bytes - off))));
  return c.sum;
}

// Reads a request head, then streams its Content-Length body through a checksum; answers with
// "<bytes> <checksum>".
void sinkHandler(Conn& c, TestUpstream& up) {
  http::RequestParser parser;
  for (int i = 0; i < 1000; ++i) {
    const http::ParseResult r = parser.parse(c.pending);
    if (r.status == http::ParseStatus::kError) return;
    if (r.status == http::ParseStatus::kDone) {
      http::BodyReader body;
      body.start(parser.head().framing);
      c.pending.erase(0, r.head_len);
      Checksum sum;
      uint64_t got = 0;
      for (uint64_t rounds = 0; rounds < 10'000'000; ++rounds) {
        const http::BodyStep s = body.next(c.pending);
        if (s.status == http::ParseStatus::kError) return;
        sum.add(s.data);
        got += s.data.size();
        c.pending.erase(0, s.consumed);
        if (s.status == http::ParseStatus::kDone) break;
        if (!c.readMore()) return;
      }
      up.countBytes(got);
      const std::string answer = std::to_string(got) + " " + std::to_string(sum.sum);
      c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(answer.size()) + "\r\n\r\n" +
                answer);
      return;
    }
    if (!c.readMore()) return;
  }
}

using StreamTest = ProxyFixture;

TEST_F(StreamTest, OneGibRequestBodyWithBoundedBuffers) {
  TestUpstream& up = makeUpstream(sinkHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll(
      "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(kGiB) + "\r\n\r\n"));
  ASSERT_TRUE(sendPattern(c, kGiB));
  Response r;
  ASSERT_TRUE(readResponse(c, &r, "POST"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(kGiB) + " " + std::to_string(periodicChecksum(kGiB)));
  const EngineStats s = engine.stats();
  RecordProperty("buffered_bytes_high_water", std::to_string(s.buffered_bytes_high_water));
  std::printf("buffered bytes high-water mark: %llu\n",
              static_cast<unsigned long long>(s.buffered_bytes_high_water));
  EXPECT_GT(s.buffered_bytes_high_water, 0u);
  EXPECT_LT(s.buffered_bytes_high_water, kBufferBound);
  EXPECT_EQ(engine.serviceCounters(0).bytes_in.load() > kGiB, true);
}

TEST_F(StreamTest, OneGibResponseWithBoundedBuffers) {
  TestUpstream& up = makeUpstream([](Conn& c, TestUpstream&) {
    Request r;
    if (!readRequest(c, &r)) return;
    if (!c.sendAll("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kGiB) + "\r\n\r\n"))
      return;
    sendPattern(c, kGiB);
  });
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET /big HTTP/1.1\r\nHost: a\r\n\r\n"));
  // Read the head, then count the body as it streams (the test never holds it).
  for (int i = 0; i < 1000 && c.pending.find("\r\n\r\n") == std::string::npos; ++i)
    ASSERT_TRUE(c.readMore());
  const size_t head_end = c.pending.find("\r\n\r\n") + 4;
  EXPECT_EQ(c.pending.substr(0, 15), "HTTP/1.1 200 OK");
  Checksum sum;
  uint64_t got = c.pending.size() - head_end;
  sum.add(std::string_view(c.pending).substr(head_end));
  std::vector<char> buf(1 << 20);
  for (uint64_t rounds = 0; got < kGiB && rounds < 100'000'000; ++rounds) {
    const ssize_t n = ::recv(c.fd, buf.data(), std::min<uint64_t>(buf.size(), kGiB - got), 0);
    ASSERT_GT(n, 0);
    sum.add(std::string_view(buf.data(), size_t(n)));
    got += uint64_t(n);
  }
  EXPECT_EQ(got, kGiB);
  EXPECT_EQ(sum.sum, periodicChecksum(kGiB));
  const EngineStats s = engine.stats();
  RecordProperty("buffered_bytes_high_water", std::to_string(s.buffered_bytes_high_water));
  std::printf("buffered bytes high-water mark: %llu\n",
              static_cast<unsigned long long>(s.buffered_bytes_high_water));
  EXPECT_GT(s.buffered_bytes_high_water, 0u);
  EXPECT_LT(s.buffered_bytes_high_water, kBufferBound);
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
