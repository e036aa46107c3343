// Access log: line format round trip, writing through the writer thread, reopen for rotation,
// dropping (and counting) lines when a buffer is full.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "l7/accesslog/access_log.h"
#include "l7/accesslog/line_format.h"

namespace vlb::l7::accesslog {
namespace {

sockaddr_storage v4(const char* ip, uint16_t port) {
  sockaddr_storage ss{};
  auto& a = reinterpret_cast<sockaddr_in&>(ss);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return ss;
}

sockaddr_storage v6(const char* ip, uint16_t port) {
  sockaddr_storage ss{};
  auto& a = reinterpret_cast<sockaddr_in6&>(ss);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return ss;
}

AccessRecord sample() {
  AccessRecord r;
  r.unix_ms = 1'795'000'000'123;  // date -u -d @1795000000: 2026-11-18T11:06:40
  r.service = "owa";
  r.client = v4("198.51.100.7", 51234);
  r.vip = v6("2001:db8::10", 443);
  r.host = "mail.example.com";
  r.method = "GET";
  r.path = "/owa/?q=\"a b\"\\\x01";
  r.status = 200;
  r.bytes_in = 512;
  r.bytes_out = 10240;
  r.real = "fe1";
  r.upstream_us = 3210;
  r.total_us = 4001;
  r.tls_version = "TLSv1.3";
  r.tls_cipher = "TLS_AES_256_GCM_SHA384";
  r.persistence = Persistence::kHit;
  return r;
}

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// A temporary directory removed with everything in it when the test ends.
struct TempDir {
  TempDir() {
    char dir[] = "/tmp/vlb-accesslog-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    path = dir;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST(AccessLogLine, RoundTripsEveryField) {
  std::string line;
  appendLine(sample(), &line);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line, whatever the path holds
  const auto f = parseLine(std::string_view(line).substr(0, line.size() - 1));
  EXPECT_EQ(f.at("time"), "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(f.at("service"), "owa");
  EXPECT_EQ(f.at("client"), "198.51.100.7:51234");
  EXPECT_EQ(f.at("vip"), "[2001:db8::10]:443");
  EXPECT_EQ(f.at("host"), "mail.example.com");
  EXPECT_EQ(f.at("method"), "GET");
  EXPECT_EQ(f.at("path"), "/owa/?q=\"a b\"\\\x01");
  EXPECT_EQ(f.at("status"), "200");
  EXPECT_EQ(f.at("bytes_in"), "512");
  EXPECT_EQ(f.at("bytes_out"), "10240");
  EXPECT_EQ(f.at("real"), "fe1");
  EXPECT_EQ(f.at("upstream_ms"), "3.210");
  EXPECT_EQ(f.at("total_ms"), "4.001");
  EXPECT_EQ(f.at("tls"), "TLSv1.3");
  EXPECT_EQ(f.at("cipher"), "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(f.at("persist"), "hit");
}

TEST(AccessLogLine, MissingValuesAreDashes) {
  AccessRecord r;
  r.method = "GET";
  r.path = "/";
  std::string line;
  appendLine(r, &line);
  const auto f = parseLine(line);
  for (const char* k : {"host", "real", "upstream_ms", "tls", "cipher", "persist", "status"})
    EXPECT_EQ(f.at(k), "-") << k;
}

TEST(AccessLogFile, WritesLinesFromSeveralSlotsAndReopensAfterRotation) {
  const TempDir dir;
  const std::string path = dir.path + "/access.log";
  AccessLogOptions o;
  o.slots = 2;
  auto log = AccessLog::open(path, o);
  ASSERT_TRUE(log.ok()) << log.error();
  for (int i = 0; i < 10; ++i) (*log)->write(unsigned(i % 2), sample());
  (*log)->flush();
  EXPECT_EQ(readLines(path).size(), 10u);
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);  // logrotate moves it away
  (*log)->write(0, sample());  // buffered before reopen: belongs to the old file
  ASSERT_TRUE((*log)->reopen().ok());
  for (int i = 0; i < 3; ++i) (*log)->write(1, sample());
  (*log)->flush();
  EXPECT_EQ(readLines(path + ".1").size(), 11u);
  EXPECT_EQ(readLines(path).size(), 3u);
  EXPECT_EQ((*log)->linesWritten(), 14u);
  for (const std::string& l : readLines(path)) EXPECT_EQ(parseLine(l).at("status"), "200");
}

TEST(AccessLogFile, FullBufferDropsAndCounts) {
  const TempDir dir;
  const std::string path = dir.path + "/access.log";
  AccessLogOptions o;
  o.max_buffered_bytes = 1000;  // about three lines
  o.wake_bytes = 1 << 20;
  o.flush_interval_ms = 60'000;  // the writer thread stays asleep during the test
  auto log = AccessLog::open(path, o);
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 20; ++i) (*log)->write(0, sample());
  (*log)->flush();
  const size_t written = readLines(path).size();
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, 20u);
  EXPECT_EQ(written + (*log)->linesDropped(), 20u);
}

TEST(AccessLogFile, OpenFailureNamesThePath) {
  auto log = AccessLog::open("/nonexistent-dir-vlb/access.log");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().find("/nonexistent-dir-vlb/access.log"), std::string::npos);
}

}  // namespace
}  // namespace vlb::l7::accesslog
