// Test helpers for the proxy engine: a small threaded HTTP/1.1 upstream server written with the
// project's parser, a blocking test client with bounded read timeouts, a test Director, and a
// fixture that runs an Engine on loopback.
#pragma once

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "l7/proxy/director.h"
#include "l7/proxy/engine.h"

namespace vlb::l7::proxy::testing {

// A socket with the bytes already received but not used yet.
struct Conn {
  Conn() = default;
  Conn(int fd_, std::string pending_) : fd(fd_), pending(std::move(pending_)) {}
  Conn(Conn&& o) noexcept : fd(o.fd), pending(std::move(o.pending)) { o.fd = -1; }
  Conn& operator=(Conn&&) = delete;
  ~Conn();
  void close();
  int fd = -1;
  std::string pending;
  SSL* ssl = nullptr;  // when set, reads and writes go through TLS (blocking)
  bool readMore();     // false on EOF, error or the 10 s receive timeout
  bool sendAll(std::string_view bytes);
};

struct Request {
  std::string head;  // raw, with the final CRLF CRLF
  std::string method, target;
  std::map<std::string, std::string> fields;  // lowercase names; repeated ones joined by ", "
  std::string body;                           // decoded
  bool chunked = false;
};

struct Response {
  int status = 0;
  std::string head;
  std::map<std::string, std::string> fields;
  std::string body;  // decoded
  bool chunked = false;
};

// Reads one request (head + body, Content-Length or chunked) with the strict parser. False on EOF
// or a parse error.
bool readRequest(Conn& c, Request* out);
// Reads one response to a request with `method`; interim (1xx) responses are returned too.
bool readResponse(Conn& c, Response* out, std::string_view method = "GET");

// An upstream server on 127.0.0.1: one thread per connection calls the handler.
class TestUpstream {
 public:
  using Handler = std::function<void(Conn&, TestUpstream&)>;
  explicit TestUpstream(Handler handler);
  ~TestUpstream();
  uint16_t port() const { return port_; }
  int accepts() const { return accepts_.load(); }
  uint64_t bytesReceived() const { return bytes_.load(); }
  void countBytes(uint64_t n) { bytes_ += n; }
  void record(const Request& r);
  std::vector<Request> requests();
  void stop();  // closes everything and joins; what was received stays readable

 private:
  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> accepts_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::vector<Request> requests_;
  std::thread acceptor_;
};

// Echo: answers each request with 200 and the request body (Content-Length), keep-alive.
void echoHandler(Conn& c, TestUpstream& up);

class TestDirector : public Director {
 public:
  explicit TestDirector(uint16_t port, bool tls = false, std::string sni = {});
  Decision route(const RequestInfo& request) override;
  void onRequestStart(uint64_t real_id) override;
  void onRequestEnd(uint64_t real_id) override;
  void onUpstreamOpened(uint64_t real_id) override;
  void onUpstreamClosed(uint64_t real_id) override;
  void editResponse(const Decision& d, const ResponseInfo& r, HeaderEdits* edits) override;

  uint16_t port;
  bool tls;
  std::string sni;
  RealCounters real;
  std::atomic<int> started{0}, ended{0};
  std::atomic<int> upstreams_opened{0}, upstreams_closed{0};
};

uint16_t unusedPort();  // a loopback port nobody listens on (bound, then closed)
bool refusesConnections(uint16_t port);  // a connect to it on 127.0.0.1 gets ECONNREFUSED
Conn connectTo(uint16_t port);
// Sends `GET path` for `host` on the connection and reads the answer: its status, 0 when the
// request could not be sent or no response came.
int getStatus(Conn& c, std::string_view host, std::string_view path = "/");
// The engine's buffered bytes once they drop to 0 (idle connections gave their buffers back), or
// what is still held after 5 s.
uint64_t bufferedBytesOnceIdle(const Engine& engine);

// Owns the upstreams and directors so that the engine stops before they go away.
struct ProxyFixture : ::testing::Test {
  TestUpstream& makeUpstream(TestUpstream::Handler handler);
  TestDirector& makeDirector(uint16_t port, bool tls = false, std::string sni = {});
  void startProxy(TestDirector& director, EngineConfig config = {});
  void TearDown() override {
    engine.stop();
    for (auto& u : upstreams) u->stop();
  }
  std::vector<std::unique_ptr<TestUpstream>> upstreams;
  std::vector<std::unique_ptr<TestDirector>> directors;
  Engine engine;
  EngineConfig used;
  uint16_t proxy_port = 0;
};

}  // namespace vlb::l7::proxy::testing
