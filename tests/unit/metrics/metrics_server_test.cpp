// MetricsServer on 127.0.0.1: scrapes read back through prometheus_client's parser, status codes,
// keep-alive, request size bound and idle expiry. The server runs in this thread's EventLoop; the
// client runs in a helper thread, and the loop turns until the client is done (bounded).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "mgmt/metrics/metrics_server.h"

namespace vlb::metrics {
namespace {

using Clock = std::chrono::steady_clock;

int connectTo(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Reads one HTTP response (head + Content-Length body); empty on EOF or timeout.
std::string readResponse(int fd) {
  std::string in;
  char buf[4096];
  for (int i = 0; i < 10000; ++i) {
    const size_t end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      const size_t cl = in.find("Content-Length: ");
      const size_t len = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
      if (in.size() >= end + 4 + len) return in;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return in;
    in.append(buf, size_t(n));
  }
  return in;
}

std::string sendAll(int fd, const std::string& s) {
  return write(fd, s.data(), s.size()) == ssize_t(s.size()) ? "" : "short write";
}

// Runs `client` in a thread while the loop serves; at most ~10 s.
template <typename F>
auto serveWhile(mgmt::EventLoop& loop, F client) {
  auto done = std::async(std::launch::async, client);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready && Clock::now() < deadline)
    loop.runOnce(10);
  EXPECT_EQ(done.wait_for(std::chrono::seconds(0)), std::future_status::ready) << "client did not finish";
  return done.get();
}

std::string body(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

void fillPage(MetricsPage& page, uint64_t scrape) {
  page.counter("rx_packets", "Frames received by the datapath.")
      .add({{"port", "ext"}}, uint64_t(123456789012))
      .add({{"port", "int \"lab\"\\2\n"}}, scrape);
  page.gauge("flow_table_used_ratio", "Share of the flow table in use.").add({}, 0.25);
  HistogramData h({0.01, 0.1, 1});
  for (double v : {0.002, 0.05, 0.05, 0.7, 4.0}) h.observe(v);
  page.histogram("check_duration_seconds", "Health check round trip.", {0.01, 0.1, 1})
      .add({{"real", "192.0.2.11:443"}}, h);
}

// Parses a page with prometheus_client and returns [[sample name, labels, value], …].
nlohmann::json parseWithPrometheusClient(const std::string& page) {
  const auto file = std::filesystem::temp_directory_path() / ("vlb-metrics-" + std::to_string(getpid()) + ".txt");
  std::ofstream(file) << page;
  const std::string cmd =
      "/usr/bin/python3 -c 'import sys, json\n"
      "from prometheus_client.parser import text_string_to_metric_families as parse\n"
      "out = []\n"
      "for f in parse(sys.stdin.read()):\n"
      "    for s in f.samples:\n"
      "        out.append([f.type, s.name, s.labels, s.value])\n"
      "print(json.dumps(out))' < " + file.string();
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    if (pclose(p) != 0) out.clear();
  }
  std::filesystem::remove(file);
  return nlohmann::json::parse(out, nullptr, false);
}

TEST(MetricsServer, ScrapeParsesWithPrometheusClientAndValuesMatch) {
  mgmt::EventLoop loop;
  uint64_t scrape = 0;
  MetricsServer server(loop, [&](MetricsPage& p) { fillPage(p, ++scrape); });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_NE(server.port(), 0);
  const uint16_t port = server.port();
  const std::string response = serveWhile(loop, [port] {
    int fd = connectTo(port);
    if (fd < 0) return std::string("connect failed");
    sendAll(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n");
    std::string r = readResponse(fd);
    close(fd);
    return r;
  });
  ASSERT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos);

  auto samples = parseWithPrometheusClient(body(response));
  ASSERT_TRUE(samples.is_array()) << "prometheus_client could not parse:\n" << body(response);
  const nlohmann::json expected = nlohmann::json::parse(R"([
    ["counter", "vlb_rx_packets_total", {"port": "ext"}, 123456789012.0],
    ["counter", "vlb_rx_packets_total", {"port": "int \"lab\"\\2\n"}, 1.0],
    ["gauge", "vlb_flow_table_used_ratio", {}, 0.25],
    ["histogram", "vlb_check_duration_seconds_bucket", {"real": "192.0.2.11:443", "le": "0.01"}, 1.0],
    ["histogram", "vlb_check_duration_seconds_bucket", {"real": "192.0.2.11:443", "le": "0.1"}, 3.0],
    ["histogram", "vlb_check_duration_seconds_bucket", {"real": "192.0.2.11:443", "le": "1"}, 4.0],
    ["histogram", "vlb_check_duration_seconds_bucket", {"real": "192.0.2.11:443", "le": "+Inf"}, 5.0],
    ["histogram", "vlb_check_duration_seconds_sum", {"real": "192.0.2.11:443"}, 4.802],
    ["histogram", "vlb_check_duration_seconds_count", {"real": "192.0.2.11:443"}, 5.0]
  ])");
  ASSERT_EQ(samples.size(), expected.size()) << samples.dump(1);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(samples[i][0], expected[i][0]) << i;
    EXPECT_EQ(samples[i][1], expected[i][1]) << i;
    EXPECT_EQ(samples[i][2], expected[i][2]) << i;
    EXPECT_DOUBLE_EQ(samples[i][3].get<double>(), expected[i][3].get<double>()) << i;
  }
  EXPECT_EQ(server.scrapes(), 1u);
}

TEST(MetricsServer, KeepAliveServesAFreshPageEachScrapeAndStatusCodes) {
  mgmt::EventLoop loop;
  uint64_t scrape = 0;
  MetricsServer server(loop, [&](MetricsPage& p) { fillPage(p, ++scrape); });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  const uint16_t port = server.port();
  auto responses = serveWhile(loop, [port] {
    std::vector<std::string> r;
    int fd = connectTo(port);
    if (fd < 0) return r;
    for (const char* req : {"GET /metrics HTTP/1.1\r\n\r\n", "GET /metrics?x=1 HTTP/1.1\r\n\r\n",
                            "GET /other HTTP/1.1\r\n\r\n", "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                            "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n"}) {
      sendAll(fd, req);
      r.push_back(readResponse(fd));
    }
    r.push_back(readResponse(fd));  // the server closed: EOF, nothing more
    close(fd);
    return r;
  });
  ASSERT_EQ(responses.size(), 6u);
  EXPECT_EQ(responses[0].rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_NE(body(responses[0]).find("vlb_rx_packets_total{port=\"int \\\"lab\\\"\\\\2\\n\"} 1\n"), std::string::npos);
  EXPECT_NE(body(responses[1]).find("vlb_rx_packets_total{port=\"int \\\"lab\\\"\\\\2\\n\"} 2\n"), std::string::npos);
  EXPECT_EQ(responses[2].rfind("HTTP/1.1 404 Not Found", 0), 0u);
  EXPECT_EQ(responses[3].rfind("HTTP/1.1 405 Method Not Allowed", 0), 0u);
  EXPECT_NE(responses[3].find("Allow: GET\r\n"), std::string::npos);
  EXPECT_EQ(responses[4].rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_NE(responses[4].find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(responses[5], "");
  EXPECT_EQ(server.scrapes(), 3u);
  for (int i = 0; i < 100 && server.connectionCount() > 0; ++i) loop.runOnce(10);
  EXPECT_EQ(server.connectionCount(), 0u);
}

TEST(MetricsServer, OversizedAndMalformedRequestsAreRefusedAndClosed) {
  mgmt::EventLoop loop;
  MetricsServer server(loop, [](MetricsPage& p) { p.gauge("up", "x").add({}, 1); }, {.maxRequest = 512});
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  const uint16_t port = server.port();
  auto responses = serveWhile(loop, [port] {
    std::vector<std::string> r;
    for (const std::string& req : {"GET /metrics HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n",
                                   std::string("GARBAGE\r\n\r\n"), std::string("GET /metrics SPDY/3\r\n\r\n")}) {
      int fd = connectTo(port);
      if (fd < 0) return r;
      sendAll(fd, req);
      r.push_back(readResponse(fd));
      r.push_back(readResponse(fd));  // then EOF
      close(fd);
    }
    return r;
  });
  ASSERT_EQ(responses.size(), 6u);
  EXPECT_EQ(responses[0].rfind("HTTP/1.1 431 ", 0), 0u) << responses[0];
  EXPECT_EQ(responses[1], "");
  EXPECT_EQ(responses[2].rfind("HTTP/1.1 400 Bad Request", 0), 0u) << responses[2];
  EXPECT_EQ(responses[3], "");
  EXPECT_EQ(responses[4].rfind("HTTP/1.1 400 Bad Request", 0), 0u) << responses[4];
  EXPECT_EQ(server.scrapes(), 0u);
}

TEST(MetricsServer, IdleConnectionsAreClosed) {
  mgmt::EventLoop loop;
  MetricsServer server(loop, [](MetricsPage&) {}, {.idleTimeout = std::chrono::seconds(30)});
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  int fd = connectTo(server.port());
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 100 && server.connectionCount() == 0; ++i) loop.runOnce(10);
  ASSERT_EQ(server.connectionCount(), 1u);
  server.expireIdle(Clock::now());  // not idle long enough
  EXPECT_EQ(server.connectionCount(), 1u);
  server.expireIdle(Clock::now() + std::chrono::seconds(31));  // injected clock: 31 s later
  EXPECT_EQ(server.connectionCount(), 0u);
  char c;
  EXPECT_EQ(read(fd, &c, 1), 0);  // the server closed it
  close(fd);
}

TEST(MetricsServer, ListenErrorsNameTheAddress) {
  mgmt::EventLoop loop;
  MetricsServer server(loop, [](MetricsPage&) {});
  Status bad = server.listen("not-an-ip", 9100);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "metrics listener: address \"not-an-ip\" is not an IPv4 or IPv6 address");
  Status unbindable = server.listen("192.0.2.1", 9100);  // not an address of this host
  ASSERT_FALSE(unbindable.ok());
  EXPECT_EQ(unbindable.error(), "metrics listener 192.0.2.1 port 9100: Cannot assign requested address");
}

}  // namespace
}  // namespace vlb::metrics
