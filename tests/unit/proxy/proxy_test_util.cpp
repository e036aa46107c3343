// Test helpers for the proxy engine (see proxy_test_util.h).
#include "proxy_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "l7/http/body_reader.h"
#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"

namespace vlb::l7::proxy::testing {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void setTimeouts(int fd) {
  timeval tv{10, 0};  // no test waits longer than this for a byte
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <class Fields>
void collect(const Fields& fields, std::map<std::string, std::string>* out) {
  for (http::HeaderField f : fields) {
    std::string& v = (*out)[lower(f.name)];
    if (!v.empty()) v += ", ";
    v += f.value;
  }
}

// Reads the body described by `framing` from c.pending/the socket into `body`.
bool readBody(Conn& c, const http::Framing& framing, std::string* body) {
  http::BodyReader reader;
  reader.start(framing);
  if (framing.kind == http::BodyKind::kNone ||
      (framing.kind == http::BodyKind::kLength && framing.length == 0))
    return true;
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    if (!c.pending.empty()) {
      const http::BodyStep s = reader.next(c.pending);
      if (s.status == http::ParseStatus::kError) return false;
      body->append(s.data);
      c.pending.erase(0, s.consumed);
      if (s.status == http::ParseStatus::kDone) return true;
      if (!c.pending.empty()) continue;
    }
    if (!c.readMore()) return framing.kind == http::BodyKind::kUntilClose;
  }
  return false;
}

}  // namespace

Conn::~Conn() { close(); }

void Conn::close() {
  if (ssl) SSL_free(ssl);
  ssl = nullptr;
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool Conn::readMore() {
  char buf[65536];
  if (ssl) {
    size_t got = 0;
    if (SSL_read_ex(ssl, buf, sizeof buf, &got) != 1) return false;
    pending.append(buf, got);
    return true;
  }
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  pending.append(buf, size_t(n));
  return true;
}

bool Conn::sendAll(std::string_view bytes) {
  if (ssl) {
    size_t put = 0;
    return bytes.empty() || SSL_write_ex(ssl, bytes.data(), bytes.size(), &put) == 1;
  }
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

bool readRequest(Conn& c, Request* out) {
  http::RequestParser parser;
  for (int rounds = 0; rounds < 10'000; ++rounds) {
    const http::ParseResult r = parser.parse(c.pending);
    if (r.status == http::ParseStatus::kError) return false;
    if (r.status == http::ParseStatus::kDone) {
      const http::RequestHead& h = parser.head();
      *out = {};
      out->head = c.pending.substr(0, r.head_len);
      out->method = std::string(h.method);
      out->target = std::string(h.target);
      out->chunked = h.framing.kind == http::BodyKind::kChunked;
      collect(h.fields, &out->fields);
      const http::Framing framing = h.framing;
      c.pending.erase(0, r.head_len);
      return readBody(c, framing, &out->body);
    }
    if (!c.readMore()) return false;
  }
  return false;
}

bool readResponse(Conn& c, Response* out, std::string_view method) {
  http::ResponseParser parser;
  parser.reset(method == "HEAD" ? http::RequestKind::kHead : http::RequestKind::kOther);
  for (int rounds = 0; rounds < 10'000; ++rounds) {
    const http::ParseResult r = parser.parse(c.pending);
    if (r.status == http::ParseStatus::kError) return false;
    if (r.status == http::ParseStatus::kDone) {
      const http::ResponseHead& h = parser.head();
      *out = {};
      out->status = h.status;
      out->head = c.pending.substr(0, r.head_len);
      out->chunked = h.framing.kind == http::BodyKind::kChunked;
      collect(h.fields, &out->fields);
      const http::Framing framing = h.framing;
      c.pending.erase(0, r.head_len);
      if (h.interim || h.status == 101) return true;
      return readBody(c, framing, &out->body);
    }
    if (!c.readMore()) return false;
  }
  return false;
}

TestUpstream::TestUpstream(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 128) != 0)
    ADD_FAILURE() << "test upstream cannot listen: " << std::strerror(errno);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] {
    while (!stopping_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      if (stopping_) {
        ::close(fd);
        return;
      }
      ++accepts_;
      setTimeouts(fd);
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(fd);
      threads_.emplace_back([this, fd] {
        Conn c{fd, {}};
        handler_(c, *this);
        if (c.ssl) SSL_free(c.ssl);
        c.ssl = nullptr;
        c.fd = -1;  // closed by stop(), which may still shut it down
      });
    }
  });
}

TestUpstream::~TestUpstream() { stop(); }

void TestUpstream::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  for (int fd : fds_) ::close(fd);
}

void TestUpstream::record(const Request& r) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(r);
}

std::vector<Request> TestUpstream::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void echoHandler(Conn& c, TestUpstream& up) {
  for (int i = 0; i < 10'000; ++i) {
    const size_t before = c.pending.size();
    Request r;
    if (!readRequest(c, &r)) return;
    (void)before;
    up.countBytes(r.head.size() + r.body.size());
    up.record(r);
    std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(r.body.size()) +
                       "\r\nX-Upstream-Port: " + std::to_string(up.port()) + "\r\n\r\n" + r.body;
    if (!c.sendAll(resp)) return;
  }
}

TestDirector::TestDirector(uint16_t port_, bool tls_, std::string sni_)
    : port(port_), tls(tls_), sni(std::move(sni_)) {}

Decision TestDirector::route(const RequestInfo& request) {
  Decision d;
  if (request.path == "/forbidden") {
    d.kind = Decision::Kind::kLocal;
    d.local.status = 403;
    d.local.headers = {{"X-Director", "refused"}};
    d.local.body = "no\n";
    return d;
  }
  if (request.path == "/see-other") {
    d.kind = Decision::Kind::kLocal;
    d.local.status = 303;
    d.local.headers = {{"Location", "/elsewhere"}};
    return d;
  }
  d.kind = Decision::Kind::kForward;
  auto& a = reinterpret_cast<sockaddr_in&>(d.upstream.address);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  d.upstream.tls = tls;
  d.upstream.sni = sni;
  d.upstream.real_id = 7;
  d.upstream.name = "real7";
  d.upstream.counters = &real;
  d.add_response_headers = {{"Set-Cookie", "vlb=r7"}};
  d.persistence = accesslog::Persistence::kHit;
  return d;
}

void TestDirector::onRequestStart(uint64_t real_id) {
  EXPECT_EQ(real_id, 7u);
  ++started;
}

void TestDirector::onRequestEnd(uint64_t real_id) {
  EXPECT_EQ(real_id, 7u);
  ++ended;
}

void TestDirector::onUpstreamOpened(uint64_t real_id) {
  EXPECT_EQ(real_id, 7u);
  ++upstreams_opened;
}

void TestDirector::onUpstreamClosed(uint64_t real_id) {
  EXPECT_EQ(real_id, 7u);
  ++upstreams_closed;
}

void TestDirector::editResponse(const Decision&, const ResponseInfo& r, HeaderEdits* edits) {
  if (!r.fields->get("x-remove-me").empty()) edits->remove.push_back("X-Remove-Me");
  edits->add.push_back({"X-Edited", std::to_string(r.status)});
}

uint16_t unusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

int getStatus(Conn& c, std::string_view host, std::string_view path) {
  const std::string request =
      "GET " + std::string(path) + " HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
  Response r;
  if (!c.sendAll(request) || !readResponse(c, &r)) return 0;
  return r.status;
}

uint64_t bufferedBytesOnceIdle(const Engine& engine) {
  for (int wait = 0; wait < 500 && engine.stats().buffered_bytes != 0; ++wait) usleep(10'000);
  return engine.stats().buffered_bytes;
}

bool refusesConnections(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool refused =
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

Conn connectTo(uint16_t port) {
  Conn c;
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  setTimeouts(c.fd);
  if (::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    ADD_FAILURE() << "connect to proxy port " << port << ": " << std::strerror(errno);
  return c;
}

TestUpstream& ProxyFixture::makeUpstream(TestUpstream::Handler handler) {
  upstreams.push_back(std::make_unique<TestUpstream>(std::move(handler)));
  return *upstreams.back();
}

TestDirector& ProxyFixture::makeDirector(uint16_t port, bool tls, std::string sni) {
  directors.push_back(std::make_unique<TestDirector>(port, tls, std::move(sni)));
  return *directors.back();
}

void ProxyFixture::startProxy(TestDirector& director, EngineConfig config) {
  if (config.services.empty()) {
    ServiceConfig s;
    s.name = "test";
    s.address = "127.0.0.1";
    config.services.push_back(s);
  }
  for (auto& s : config.services) s.director = &director;
  used = config;
  const Status st = engine.start(config);
  ASSERT_TRUE(st.ok()) << st.error();
  proxy_port = engine.port(0);
}

}  // namespace vlb::l7::proxy::testing
