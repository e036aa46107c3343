// Session, request side: head parsing, routing, request body relay, upstream connection set-up.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cstdio>

#include "l7/accesslog/line_format.h"
#include "l7/tls/client_context.h"
#include "l7/proxy/head_writer.h"
#include "l7/proxy/session.h"
#include "l7/proxy/socket_util.h"
#include "l7/proxy/upstream.h"
#include "l7/proxy/worker.h"

namespace vlb::l7::proxy {
namespace {

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" || m == "PUT" || m == "DELETE";
}

// The pool of an endpoint: its address bytes (family, port, address: 8 bytes for IPv4, no
// allocation) and, for TLS, the SNI.
std::string poolKey(const Endpoint& e) {
  const size_t n = e.address.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : 8;
  std::string key(reinterpret_cast<const char*>(&e.address), n);
  if (e.tls) {
    key += "/tls/";
    key += e.sni;
  }
  return key;
}

}  // namespace

bool Session::handleClientInput() {
  switch (phase_) {
    case Phase::kHead:
      return handleHead();
    case Phase::kForward:
      if (request_state_ == RequestBody::kRelaying) return relayRequestBody();
      return false;
    case Phase::kTunnel:
      if (!cin_.empty()) {
        uout_.append(cin_.view());
        cin_.clear();
        return true;
      }
      if (client_eof_ && up_ && uout_.empty() && !upstream_write_shut_) {
        ::shutdown(up_->transport.fd(), SHUT_WR);  // pass the client's half-close on, once
        upstream_write_shut_ = true;
      }
      return false;
    case Phase::kLinger:
      cin_.clear();
      if (client_eof_) finish();
      return false;
    default:
      return false;
  }
}

bool Session::handleHead() {
  if (cin_.empty()) {
    if (client_eof_) finish();
    return false;
  }
  if (!head_started_) {
    head_started_ = true;
    started_us_ = worker_.nowUs();
    started_unix_ms_ = worker_.unixMs();
    bytes_in_ = cin_.size();
    bytes_out_ = 0;
    header_deadline_ = worker_.now() + timeouts_.client_header.count();
  }
  if (!request_parser_) request_parser_ = worker_.borrowRequestParser();
  const http::ParseResult r = request_parser_->parse(cin_.view());
  if (r.status == http::ParseStatus::kNeedMore) {
    if (client_eof_) {
      finish();
      return false;
    }
    // The header timeout runs from the head's first byte; armed only for a head that does not
    // come whole in one read (saves re-sorting the timer of every keep-alive request).
    if (deadline != header_deadline_) {
      deadline = header_deadline_;
      worker_.timers().update(this);
    }
    return false;
  }
  if (r.status == http::ParseStatus::kError) {
    service_.counters->bad_requests.fetch_add(1, std::memory_order_relaxed);
    refuse(r.http_status);
    return true;
  }
  startRequest(r.head_len);
  return true;
}

void Session::refuse(uint16_t status) {
  method_.clear();
  target_.clear();
  host_.clear();
  if (!request_parser_ || request_parser_->head().method.empty()) {
    // Nothing trustworthy to log from a refused head beyond its first bytes.
    const std::string_view v = cin_.view();
    const size_t sp = v.find(' ');
    if (sp != std::string_view::npos && sp < 32) method_.assign(v.substr(0, sp));
  }
  logged_ = false;
  service_.counters->requests.fetch_add(1, std::memory_order_relaxed);
  cin_.clear();
  writeErrorResponse(status, false, &cout_);
  status_ = status;
  endRequest(status);
  close_after_ = true;
  phase_ = Phase::kClosing;
}

void Session::startRequest(size_t head_len) {
  const http::RequestHead& h = request_parser_->head();
  if (worker_.config().access_log) {  // the head's bytes are gone by the time the line is written
    method_.assign(h.method);
    target_.assign(h.target);
    host_.assign(h.authority);
  }
  logged_ = false;
  status_ = 0;
  sent_us_ = response_us_ = 0;
  retried_ = false;
  service_.counters->requests.fetch_add(1, std::memory_order_relaxed);

  SSL* ssl = client_.ssl();
  const char* sni = ssl ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) : nullptr;
  RequestInfo info;
  info.service = service_.config->name;
  info.method = h.method;
  info.target = h.target;
  info.path = h.path;
  info.query = h.query;
  info.authority = h.authority;
  info.fields = &h.fields;
  info.client = &peer_;
  info.vip = &local_;
  info.tls = ssl != nullptr;
  info.sni = sni ? std::string_view(sni) : std::string_view();
  if (h.method == "CONNECT") {  // a reverse proxy does not open tunnels on request
    decision_ = {};
    decision_.local.status = 405;
    decision_.local.body = "405 Method Not Allowed\n";
  } else {
    decision_ = service_.config->director->route(info);
  }

  client_http10_ = h.minor_version == 0;
  client_keep_alive_ = h.keep_alive && !worker_.draining();
  request_kind_ = h.method == "HEAD" ? http::RequestKind::kHead : http::RequestKind::kOther;
  upgrade_requested_ = h.upgrade;
  const bool has_body = h.framing.kind != http::BodyKind::kNone &&
                        !(h.framing.kind == http::BodyKind::kLength && h.framing.length == 0);

  if (decision_.kind == Decision::Kind::kLocal) {
    service_.counters->local_responses.fetch_add(1, std::memory_order_relaxed);
    answerLocally(decision_.local, head_len, client_keep_alive_ && !has_body);
    return;
  }

  request_active_ = true;
  service_.config->director->onRequestStart(decision_.upstream.real_id);
  if (decision_.upstream.counters)
    decision_.upstream.counters->requests.fetch_add(1, std::memory_order_relaxed);
  UpstreamHeadOptions o;
  o.client_ip = client_ip_;
  o.tls = ssl != nullptr;
  o.x_forwarded = service_.config->x_forwarded;
  std::string fallback_host;  // only HTTP/1.0 may come without Host
  if (h.minor_version == 0 && h.host.empty()) {
    fallback_host = accesslog::formatAddress(decision_.upstream.address);
    o.default_host = fallback_host;
  }
  uout_.clear();
  writeUpstreamHead(h, o, &uout_);
  retry_head_.clear();
  if (!has_body && idempotent(h.method)) retry_head_.assign(uout_.view());
  request_chunked_ = h.framing.kind == http::BodyKind::kChunked;
  // A bad first chunk-size line must not reach the real at all (smuggling attempts live there);
  // with 100-continue the client waits for the real, so nothing can be held.
  hold_head_ = request_chunked_ && !h.expect_continue;
  request_body_.start(h.framing);
  request_state_ = has_body ? RequestBody::kRelaying : RequestBody::kDone;
  cin_.consume(head_len);
  if (!response_parser_) response_parser_ = worker_.borrowResponseParser();
  response_parser_->reset(request_kind_);
  response_state_ = Response::kHead;
  response_started_ = false;
  upstream_eof_ = false;
  phase_ = Phase::kForward;
  touch(timeouts_.server.count());
  connectUpstream();
}

void Session::answerLocally(const LocalResponse& local, size_t head_len, bool keep_alive) {
  FieldPairs fields = local.headers;
  for (const auto& f : decision_.add_response_headers) fields.push_back(f);
  cin_.consume(head_len);
  writeLocalResponse(local.status, fields, local.body, !keep_alive,
                     request_kind_ == http::RequestKind::kHead, &cout_);
  status_ = local.status;
  endRequest(local.status);
  if (keep_alive) {
    resetForNextRequest();
  } else {
    close_after_ = true;
    phase_ = Phase::kClosing;
  }
}

bool Session::connectUpstream() {
  const Endpoint& ep = decision_.upstream;
  const bool transparent = service_.config->transparent_source;
  std::string key = transparent ? std::string() : poolKey(ep);
  if (!transparent && !retried_) {
    // A request that can be sent again skips the liveness peek: a closed one is retried.
    if (UpstreamConn* pooled = worker_.pool().take(key, retry_head_.empty())) {
      up_ = pooled;
      // Nothing can be waiting on it before the request is out: no read until epoll says so.
      upstream_drained_ = !up_->transport.ssl();
      up_->owner = this;
      up_->assign(service_.config->director, ep.real_id, ep.counters);
      if (ep.counters) ep.counters->reuses.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  if (ep.tls && !service_.config->upstream_tls) {
    upstreamFailed(502);  // re-encrypt asked for, no client context configured
    return false;
  }
  const int fd = startConnect(ep.address, transparent ? &peer_ : nullptr);
  if (fd < 0) {
    if (ep.counters) ep.counters->connect_errors.fetch_add(1, std::memory_order_relaxed);
    upstreamFailed(502);
    return false;
  }
  SSL* ssl = nullptr;
  if (ep.tls) {
    ssl = SSL_new(service_.config->upstream_tls);
    if (ssl) {
      SSL_set_connect_state(ssl);
      // SNI; with a verifying l7/tls ClientContext also the host name the certificate must carry,
      // and the session cached for this endpoint (resumption).
      if (!tls::configureClientSsl(ssl, ep.sni, accesslog::formatAddress(ep.address))) {
        SSL_free(ssl);
        ssl = nullptr;
      }
    }
  }
  up_ = new UpstreamConn(worker_, std::move(key));
  up_->assign(service_.config->director, ep.real_id, ep.counters);
  up_->transport.attach(fd, ssl, /*release_buffers=*/false);
  up_->owner = this;
  up_->reused = false;
  if (ep.counters) ep.counters->connects.fetch_add(1, std::memory_order_relaxed);
  if (ep.tls && !ssl) {
    upstreamFailed(502);
    return false;
  }
  touch(timeouts_.connect.count());
  worker_.watch(fd, up_, EPOLLOUT);
  return true;
}

bool Session::relayRequestBody() {
  if (cin_.empty()) {
    if (client_eof_) {
      // The client went away in the middle of its body: nothing sensible can follow.
      abort();
    }
    return false;
  }
  const http::BodyStep s = request_body_.next(cin_.view());
  if (s.status == http::ParseStatus::kError) {
    service_.counters->bad_requests.fetch_add(1, std::memory_order_relaxed);
    request_state_ = RequestBody::kDone;
    if (up_) releaseUpstream(false);
    if (!response_started_) {
      cout_.clear();
      cin_.clear();
      writeErrorResponse(http::errorStatus(s.error), false, &cout_);
      status_ = http::errorStatus(s.error);
      response_started_ = true;
    }
    endRequest(status_);
    close_after_ = true;
    phase_ = Phase::kClosing;
    return true;
  }
  if (!s.data.empty()) {
    if (request_chunked_)
      appendChunk(&uout_, s.data);
    else
      uout_.append(s.data);
  }
  cin_.consume(s.consumed);
  if (!s.data.empty() || s.status == http::ParseStatus::kDone) hold_head_ = false;
  if (s.status == http::ParseStatus::kDone) {
    if (request_chunked_) uout_.append("0\r\n\r\n");
    request_state_ = RequestBody::kDone;
  }
  return s.consumed > 0 || s.status == http::ParseStatus::kDone;
}

void Session::resetForNextRequest() {
  answered_ = true;
  idle_noted_ = false;
  if (request_parser_) request_parser_->reset();
  request_state_ = RequestBody::kNone;
  response_state_ = Response::kIdle;
  head_started_ = false;
  upstream_eof_ = false;
  phase_ = Phase::kHead;
  decision_ = {};
  edits_.remove.clear();
  edits_.add.clear();
  retry_head_.clear();
  touch(timeouts_.client_idle.count());
}

}  // namespace vlb::l7::proxy
