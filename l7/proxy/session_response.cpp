// Session, response side: response heads, body relay to the client, the end of an exchange,
// upstream failures (retry on a stale pooled connection, 502, 504), counters and the access log.
#include <openssl/ssl.h>

#include <cstdio>

#include "l7/accesslog/access_log.h"
#include "l7/proxy/head_writer.h"
#include "l7/proxy/session.h"
#include "l7/proxy/upstream.h"
#include "l7/proxy/worker.h"

namespace vlb::l7::proxy {
bool Session::handleUpstreamInput() {
  if (phase_ == Phase::kTunnel) {
    if (!uin_.empty()) {
      cout_.append(uin_.view());
      uin_.clear();
      return true;
    }
    if (up_ && upstream_eof_) {  // the real closed its side: the tunnel ends after the flush
      releaseUpstream(false);
      endRequest(status_);
      close_after_ = true;
      phase_ = Phase::kClosing;
      return true;
    }
    return false;
  }
  if (phase_ != Phase::kForward || !up_) return false;
  if (response_state_ == Response::kHead) {
    if (!handleResponseHead()) return false;
    // The body bytes that came with the head go out in the same write as the head.
    if (!dead && phase_ == Phase::kForward && up_ && response_state_ == Response::kBody)
      relayResponseBody();
    return true;
  }
  if (response_state_ == Response::kBody) return relayResponseBody();
  return false;
}

bool Session::handleResponseHead() {
  if (uin_.empty()) {
    if (!upstream_eof_) return false;
    upstreamFailed(502);  // closed or reset before answering (retried when that is safe)
    return true;
  }
  // Below, bytes have come from the real: upstreamFailed never retries then (a stale
  // connection's 408 is the one exception, taken explicitly).
  const http::ParseResult r = response_parser_->parse(uin_.view());
  if (r.status == http::ParseStatus::kNeedMore) {
    if (!upstream_eof_) return false;
    upstreamFailed(502);
    return true;
  }
  if (r.status == http::ParseStatus::kError) {
    upstreamFailed(502);
    return true;
  }
  const http::ResponseHead& rh = response_parser_->head();
  // A real that times out idle keep-alive connections may say so with a 408 before closing: on a
  // reused connection that is a stale connection, not an answer to this request.
  if (rh.status == 408 && retryOnFreshConnection(/*answered=*/true)) return true;
  retry_head_.clear();  // the real has answered: never send this request twice
  if (rh.interim) {  // 100 Continue, 103 Early Hints: relayed, the final response follows
    if (!client_http10_) writeClientHead(rh, {}, &cout_);
    uin_.consume(r.head_len);
    response_parser_->reset(request_kind_);
    return true;
  }
  response_us_ = worker_.nowUs();
  if (rh.status == 101) {
    if (!upgrade_requested_ || request_state_ != RequestBody::kDone) {
      upstreamFailed(502);
      return true;
    }
    writeClientHead(rh, {}, &cout_);
    uin_.consume(r.head_len);
    status_ = 101;
    response_started_ = true;
    phase_ = Phase::kTunnel;
    touch(timeouts_.tunnel.count());
    return true;
  }
  status_ = rh.status;
  response_started_ = true;
  edits_.remove.clear();
  edits_.add.clear();
  const ResponseInfo info{rh.status, &rh.fields};
  service_.config->director->editResponse(decision_, info, &edits_);

  const http::BodyKind kind = rh.framing.kind;
  const bool streamed = kind == http::BodyKind::kChunked || kind == http::BodyKind::kUntilClose ||
                        kind == http::BodyKind::kTunnel;
  client_body_ = !streamed        ? ClientBody::kAsIs
                 : client_http10_ ? ClientBody::kRaw
                                  : ClientBody::kChunk;
  close_after_ = close_after_ || !client_keep_alive_ || worker_.draining() || client_eof_ ||
                 client_body_ == ClientBody::kRaw || request_state_ != RequestBody::kDone;
  ClientHeadOptions o;
  o.close = close_after_;
  o.http10_client = client_http10_;
  o.strip_chunked = client_body_ == ClientBody::kRaw;
  o.edits = &edits_;
  o.add = &decision_.add_response_headers;
  // A close-delimited body goes to an HTTP/1.1 client chunked, so the client connection lives on.
  o.add_chunked = client_body_ == ClientBody::kChunk && kind != http::BodyKind::kChunked;
  writeClientHead(rh, o, &cout_);
  upstream_reusable_ = rh.keep_alive && kind != http::BodyKind::kUntilClose;
  uin_.consume(r.head_len);
  if (kind == http::BodyKind::kNone ||
      (kind == http::BodyKind::kLength && rh.framing.length == 0)) {
    finishExchange();
    return true;
  }
  response_body_.start(
      kind == http::BodyKind::kTunnel ? http::Framing{http::BodyKind::kUntilClose, 0} : rh.framing);
  response_state_ = Response::kBody;
  return true;
}

bool Session::relayResponseBody() {
  if (uin_.empty()) {
    if (!upstream_eof_) return false;
    const http::BodyStep s = response_body_.finish();
    if (s.status == http::ParseStatus::kDone) {
      upstream_reusable_ = false;
      finishExchange();
    } else {
      service_.counters->upstream_errors.fetch_add(1, std::memory_order_relaxed);
      abort();  // truncated by the real: the client must see a cut, not a complete response
    }
    return true;
  }
  const http::BodyStep s = response_body_.next(uin_.view());
  if (s.status == http::ParseStatus::kError) {
    service_.counters->upstream_errors.fetch_add(1, std::memory_order_relaxed);
    abort();
    return false;
  }
  if (!s.data.empty() && client_body_ != ClientBody::kChunk && cout_.empty() &&
      s.data.data() == uin_.view().data() && s.data.size() == uin_.size()) {
    cout_.swap(uin_);  // all of uin_ is body going out as is: hand the buffer over, no copy
    uin_.clear();
  } else {
    if (!s.data.empty()) {
      if (client_body_ == ClientBody::kChunk)
        appendChunk(&cout_, s.data);
      else
        cout_.append(s.data);
    }
    uin_.consume(s.consumed);
  }
  if (s.status == http::ParseStatus::kDone) {
    finishExchange();
    return true;
  }
  return s.consumed > 0;
}

void Session::finishExchange() {
  if (client_body_ == ClientBody::kChunk) cout_.append("0\r\n\r\n");
  response_state_ = Response::kDone;
  const bool reusable = upstream_reusable_ && request_state_ == RequestBody::kDone &&
                        uin_.empty() && !upstream_eof_ && uout_.empty();
  releaseUpstream(reusable);
  endRequest(status_);
  if (request_state_ != RequestBody::kDone) close_after_ = true;
  if (close_after_)
    phase_ = Phase::kClosing;
  else
    resetForNextRequest();
}

bool Session::retryOnFreshConnection(bool answered) {
  // Received bytes mean an answer, unless the caller says it is a stale connection's 408.
  if (!up_ || !up_->reused || retried_ || retry_head_.empty() || response_started_ ||
      (!uin_.empty() && !answered))
    return false;
  if (decision_.upstream.counters)
    decision_.upstream.counters->retries.fetch_add(1, std::memory_order_relaxed);
  releaseUpstream(false);
  retried_ = true;
  uout_.clear();
  uout_.append(retry_head_);
  response_parser_->reset(request_kind_);
  connectUpstream();  // on failure it answers 502 itself
  return true;
}

void Session::upstreamFailed(uint16_t status) {
  if (status != 504 && retryOnFreshConnection(false)) return;
  if (up_) releaseUpstream(false);
  if (response_started_) {
    abort();  // part of the response is out: all we can do is cut
    return;
  }
  if (status == 502) service_.counters->upstream_errors.fetch_add(1, std::memory_order_relaxed);
  uout_.clear();
  writeErrorResponse(status, request_kind_ == http::RequestKind::kHead, &cout_);
  status_ = status;
  response_started_ = true;
  endRequest(status);
  close_after_ = true;
  phase_ = Phase::kClosing;
}

void Session::releaseUpstream(bool reusable) {
  UpstreamConn* c = up_;
  up_ = nullptr;
  uin_.clear();
  upstream_eof_ = false;
  upstream_drained_ = false;
  if (!c) return;
  if (reusable && !c->key.empty() && !worker_.draining()) {
    c->reused = false;
    worker_.pool().give(c, worker_.now() + worker_.config().timeouts.upstream_idle.count());
  } else {
    retireUpstream(worker_, c);
  }
}

void Session::endRequest(uint16_t status) {
  if (logged_) return;
  logged_ = true;
  if (request_active_) {
    request_active_ = false;
    service_.config->director->onRequestEnd(decision_.upstream.real_id);
  }
  const int64_t now_us = worker_.nowUs();
  const int64_t total_us = started_us_ ? now_us - started_us_ : 0;
  RealCounters* real =
      decision_.kind == Decision::Kind::kForward ? decision_.upstream.counters : nullptr;
  if (status) {
    service_.counters->countResponse(status);
    service_.counters->latency.record(uint64_t(total_us));
    if (real) {
      real->countResponse(status);
      real->latency.record(uint64_t(total_us));
    }
  }
  accesslog::AccessLog* log = worker_.config().access_log;
  if (!log) return;
  accesslog::AccessRecord rec;
  rec.unix_ms = started_unix_ms_;
  rec.service = service_.config->name;
  rec.client = peer_;
  rec.vip = local_;
  rec.host = host_;
  rec.method = method_;
  rec.path = target_;
  rec.status = status;
  rec.bytes_in = bytes_in_;
  rec.bytes_out = bytes_out_ + cout_.size();
  if (decision_.kind == Decision::Kind::kForward) rec.real = decision_.upstream.name;
  rec.upstream_us = sent_us_ && response_us_ >= sent_us_ ? response_us_ - sent_us_ : -1;
  rec.total_us = total_us;
  if (SSL* ssl = client_.ssl()) {
    rec.tls_version = SSL_get_version(ssl);
    const char* cipher = SSL_get_cipher_name(ssl);
    rec.tls_cipher = cipher ? cipher : "";
  }
  rec.persistence = decision_.persistence;
  log->write(worker_.index(), rec);
}

}  // namespace vlb::l7::proxy
