// Session: life cycle, the pump loop, socket reads and writes, epoll interest, timeouts.
#include <sys/socket.h>

#include "l7/accesslog/line_format.h"
#include "l7/proxy/session.h"
#include "l7/proxy/socket_util.h"
#include "l7/proxy/upstream.h"
#include "l7/proxy/worker.h"

namespace vlb::l7::proxy {

// What tells a session that a short read did not empty the socket (Transport::socketEmpty).
constexpr uint32_t kPeerClosed = EPOLLRDHUP | EPOLLHUP | EPOLLERR;

Session::Session(Worker& worker, ServiceRuntime& service, int fd, SSL* ssl,
                 const sockaddr_storage& peer, const sockaddr_storage& local)
    : worker_(worker),
      service_(service),
      timeouts_(service.config->timeouts ? *service.config->timeouts : worker.config().timeouts),
      peer_(peer),
      local_(local),
      cin_(&worker.buffers()),
      cout_(&worker.buffers()),
      uin_(&worker.buffers()),
      uout_(&worker.buffers()),
      request_body_(worker.config().limits),
      response_body_(worker.config().limits) {
  client_.attach(fd, ssl, /*release_buffers=*/true);
  client_ip_ = accesslog::formatAddress(peer_);
  const size_t colon = client_ip_.rfind(':');
  if (colon != std::string::npos) client_ip_.resize(colon);  // "ip:port" -> "ip", "[v6]:port"
  if (client_ip_.size() > 2 && client_ip_.front() == '[')
    client_ip_ = client_ip_.substr(1, client_ip_.size() - 2);
  service_.counters->active_connections.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() {
  if (in_idle_list_) worker_.forgetIdleMemory(this);
  if (response_parser_) worker_.returnResponseParser(std::move(response_parser_));
  if (request_parser_) worker_.returnRequestParser(std::move(request_parser_));
  service_.counters->active_connections.fetch_sub(1, std::memory_order_relaxed);
}

void Session::begin() {
  touch(timeouts_.client_header.count());
  pump();
}

void Session::onEvents(uint32_t events) {
  // pump() tries every step; errors show up as read/write results
  client_drained_ = false;
  if (events & kPeerClosed) client_.notePeerClosed();
  if ((events & (EPOLLIN | EPOLLRDHUP)) && !wantClientRead() && !client_.writeWantsRead())
    client_unwanted_ = true;
  pump();
}

void Session::onUpstreamEvents(uint32_t events) {
  upstream_drained_ = false;
  if (up_ && (events & kPeerClosed)) up_->transport.notePeerClosed();
  if ((events & (EPOLLIN | EPOLLRDHUP)) && up_ && !wantUpstreamRead() &&
      !up_->transport.writeWantsRead())
    upstream_unwanted_ = true;
  if (up_ && up_->connecting) {
    const int err = socketError(up_->transport.fd());
    if (err != 0 || (events & EPOLLERR)) {
      if (up_->counters) up_->counters->connect_errors.fetch_add(1, std::memory_order_relaxed);
      upstreamFailed(502);
      if (!dead) pump();
      return;
    }
    up_->connecting = false;
    touch(timeouts_.server.count());
  }
  pump();
}

void Session::pump() {
  for (int round = 0; round < 64; ++round) {
    bool progress = false;
    progress |= readClient();
    if (!dead) progress |= handleClientInput();
    if (!dead) progress |= writeUpstream();
    if (!dead) progress |= readUpstream();
    if (!dead) progress |= handleUpstreamInput();
    if (!dead) progress |= writeClient();
    if (dead) return;
    if (!progress) {
      updateInterest();
      return;
    }
  }
  worker_.schedule(this);  // more to do: come back after the others had their turn
  updateInterest();
}

void Session::wentIdle() {
  idle_noted_ = true;
  const int64_t now = worker_.now();
  const bool busy = answered_ && last_answer_ms_ >= 0 &&
                    now - last_answer_ms_ < worker_.config().idle_release.count();
  if (answered_) last_answer_ms_ = now;  // a busy connection is idle since then
  if (!busy) {
    giveBackMemory();
    return;
  }
  if (!holds_idle_memory_) {
    holds_idle_memory_ = true;
    client_.keepBuffers(true);
  }
  if (!in_idle_list_) {
    in_idle_list_ = true;
    worker_.noteIdleMemory(this);
  }
}

bool Session::idleBetweenRequests() const {
  return phase_ == Phase::kHead && !head_started_ && cin_.empty() && cout_.empty();
}

bool Session::releaseIdleMemory(int64_t cutoff_ms) {
  const bool idle = idleBetweenRequests();
  if (holds_idle_memory_ && idle && last_answer_ms_ > cutoff_ms) return true;
  if (holds_idle_memory_ && idle) giveBackMemory();
  // Busy again (a request, a tunnel): it decides anew when it next goes idle.
  if (!idle) holds_idle_memory_ = false;
  in_idle_list_ = false;
  return false;
}

void Session::giveBackMemory() {
  holds_idle_memory_ = false;
  if (response_parser_) worker_.returnResponseParser(std::move(response_parser_));
  if (request_parser_) worker_.returnRequestParser(std::move(request_parser_));
  cin_.release();
  cout_.release();
  uin_.release();
  uout_.release();
  client_.keepBuffers(false);
}

bool Session::wantClientRead() const {
  if (client_eof_) return false;
  const EngineConfig& c = worker_.config();
  switch (phase_) {
    case Phase::kHead:
      return cin_.size() <= c.limits.max_head_bytes && cout_.size() < c.high_water;
    case Phase::kForward:
      return request_state_ == RequestBody::kRelaying && uout_.size() < c.high_water &&
             cin_.size() < c.read_chunk;
    case Phase::kTunnel:
      return uout_.size() < c.high_water;
    case Phase::kLinger:
      return true;
    default:
      return false;
  }
}

bool Session::wantUpstreamRead() const {
  if (!up_ || up_->connecting || upstream_eof_) return false;
  const EngineConfig& c = worker_.config();
  if (cout_.size() >= c.high_water || uin_.size() >= c.read_chunk + c.limits.max_head_bytes)
    return false;
  return phase_ == Phase::kTunnel ||
         (phase_ == Phase::kForward &&
          (response_state_ == Response::kHead || response_state_ == Response::kBody));
}

bool Session::readClient() {
  if (client_drained_ || !wantClientRead()) return false;
  const size_t chunk = worker_.config().read_chunk;
  char* dst = cin_.reserve(chunk);
  const IoResult r = client_.read(dst, chunk);
  switch (r.status) {
    case IoStatus::kOk:
      cin_.commit(r.bytes);
      client_drained_ = client_.socketEmpty();
      bytes_in_ += r.bytes;
      service_.counters->bytes_in.fetch_add(r.bytes, std::memory_order_relaxed);
      if (phase_ == Phase::kLinger) cin_.clear();
      if (phase_ == Phase::kTunnel) touch(timeouts_.tunnel.count());
      if (phase_ == Phase::kForward) touch(timeouts_.server.count());
      return true;
    case IoStatus::kWouldBlock:
      if (cin_.empty()) cin_.release();
      return false;
    case IoStatus::kEof:
      client_eof_ = true;
      if (cin_.empty()) cin_.release();
      return true;
    case IoStatus::kError:
      if (client_.handshakeFailed())
        service_.counters->tls_handshake_errors.fetch_add(1, std::memory_order_relaxed);
      abort();
      return false;
  }
  return false;
}

bool Session::writeClient() {
  if (cout_.empty()) {
    if (phase_ == Phase::kClosing) {
      startLinger();
      return true;
    }
    if (phase_ == Phase::kHead && cin_.empty() && !idle_noted_) wentIdle();
    return false;
  }
  const IoResult r = client_.write(cout_.view());
  if (r.status == IoStatus::kOk) {
    cout_.consume(r.bytes);
    bytes_out_ += r.bytes;
    service_.counters->bytes_out.fetch_add(r.bytes, std::memory_order_relaxed);
    if (phase_ == Phase::kTunnel) touch(timeouts_.tunnel.count());
    return r.bytes > 0;
  }
  if (r.status == IoStatus::kWouldBlock) return false;
  abort();  // the client is gone
  return false;
}

bool Session::readUpstream() {
  if (upstream_drained_ || !wantUpstreamRead()) return false;
  const size_t chunk = worker_.config().read_chunk;
  char* dst = uin_.reserve(chunk);
  const IoResult r = up_->transport.read(dst, chunk);
  switch (r.status) {
    case IoStatus::kOk:
      uin_.commit(r.bytes);
      upstream_drained_ = up_->transport.socketEmpty();
      if (up_->counters) up_->counters->bytes_out.fetch_add(r.bytes, std::memory_order_relaxed);
      touch(phase_ == Phase::kTunnel ? timeouts_.tunnel.count() : timeouts_.server.count());
      return true;
    case IoStatus::kWouldBlock:
      return false;
    case IoStatus::kEof:
    case IoStatus::kError:
      upstream_eof_ = true;
      return true;
  }
  return false;
}

bool Session::writeUpstream() {
  if (!up_ || up_->connecting || uout_.empty() || hold_head_) return false;
  const IoResult r = up_->transport.write(uout_.view());
  if (r.status == IoStatus::kOk) {
    uout_.consume(r.bytes);
    if (up_->counters) up_->counters->bytes_in.fetch_add(r.bytes, std::memory_order_relaxed);
    if (sent_us_ == 0 && uout_.empty() && phase_ == Phase::kForward) sent_us_ = worker_.nowUs();
    touch(phase_ == Phase::kTunnel ? timeouts_.tunnel.count() : timeouts_.server.count());
    return r.bytes > 0;
  }
  if (r.status == IoStatus::kWouldBlock) return false;
  upstream_eof_ = true;  // reset by the real: the response side decides (retry, 502, cut)
  uout_.clear();
  return true;
}

void Session::updateInterest() {
  if (dead) return;
  uint32_t ev = 0;
  if (wantClientRead() || client_.writeWantsRead()) ev |= EPOLLIN | EPOLLRDHUP;
  if (!cout_.empty() || client_.readWantsWrite()) ev |= EPOLLOUT;
  if (client_unwanted_)
    worker_.watch(client_.fd(), this, ev);
  else
    worker_.watchLazily(client_.fd(), this, ev);
  client_unwanted_ = false;
  if (up_) {
    uint32_t uev = 0;
    // RDHUP as in the pool (UpstreamPool::give): taking and giving back changes nothing.
    if (wantUpstreamRead() || up_->transport.writeWantsRead()) uev |= EPOLLIN | EPOLLRDHUP;
    if (up_->connecting || (!uout_.empty() && !hold_head_) || up_->transport.readWantsWrite())
      uev |= EPOLLOUT;
    if (upstream_unwanted_)
      worker_.watch(up_->transport.fd(), up_, uev);
    else
      worker_.watchLazily(up_->transport.fd(), up_, uev);
  }
  upstream_unwanted_ = false;
}

void Session::touch(int64_t timeout_ms) {
  deadline = worker_.now() + timeout_ms;
  worker_.timers().update(this);
}

void Session::onTimer(int64_t) {
  switch (phase_) {
    case Phase::kHead:
      service_.counters->client_timeouts.fetch_add(1, std::memory_order_relaxed);
      if (head_started_ && !cin_.empty()) {
        refuse(408);
        if (!dead) pump();
      } else {
        finish();
      }
      return;
    case Phase::kForward:
      service_.counters->upstream_timeouts.fetch_add(1, std::memory_order_relaxed);
      upstreamFailed(504);
      if (!dead) pump();
      return;
    default:
      finish();
  }
}

void Session::startLinger() {
  // Half-close and read what the client still sends, so that closing with unread data does not
  // turn into a reset that could destroy the response before the client reads it.
  if (client_.ssl() && SSL_is_init_finished(client_.ssl())) SSL_shutdown(client_.ssl());
  ::shutdown(client_.fd(), SHUT_WR);
  phase_ = Phase::kLinger;
  touch(1000);
}

// A keep-alive connection idle between requests closes now (clients expect that and retry). A
// connection that has not had its first request answered yet (just accepted, in its TLS
// handshake, or with a request on its way) is served once more and closed after that response
// (`Connection: close`), within the header timeout armed at accept and the engine's drain. A
// tunnel closes now, or with `keep_tunnels` (a retiring engine) when either side closes it or
// by the tunnel timeout. Called again with false when a retirement is hurried.
void Session::onDrain(bool keep_tunnels) {
  const bool idle = idleBetweenRequests();
  if ((idle && answered_) || (phase_ == Phase::kTunnel && !keep_tunnels) ||
      phase_ == Phase::kLinger) {
    finish();
    return;
  }
  close_after_ = true;
}

void Session::abort() {
  if (dead) return;
  if (up_) releaseUpstream(false);
  if (request_active_ || !logged_) endRequest(status_);
  finish();
}

void Session::finish() {
  if (dead) return;
  if (up_) releaseUpstream(false);
  if (!logged_) endRequest(status_);
  phase_ = Phase::kDone;
  worker_.timers().remove(this);
  worker_.unwatch(client_.fd(), this);
  client_.close();
  worker_.sessionClosed(this);
  worker_.retire(this);
}

}  // namespace vlb::l7::proxy
