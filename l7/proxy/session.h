// One client connection and the exchanges on it: reads request heads with the strict parser,
// asks the director, relays the request to a real over a pooled or new upstream connection,
// relays the response back, and loops for keep-alive; or becomes a byte tunnel after a 101.
//
// Everything runs in pump(): each step moves bytes as far as the buffers allow, and the epoll
// interest of both sockets is derived from the state afterwards. Backpressure: a side is read only
// while the buffer it feeds is below EngineConfig::high_water.
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "l7/http/body_reader.h"
#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"
#include "l7/proxy/byte_buffer.h"
#include "l7/proxy/config.h"
#include "l7/proxy/director.h"
#include "l7/proxy/event_handler.h"
#include "l7/proxy/transport.h"

namespace vlb::l7::proxy {

class Worker;
struct ServiceRuntime;
class UpstreamConn;

class Session : public EventHandler, public TimerTarget {
 public:
  Session(Worker& worker, ServiceRuntime& service, int fd, SSL* ssl, const sockaddr_storage& peer,
          const sockaddr_storage& local);
  ~Session() override;

  void begin();
  void pump();
  void onEvents(uint32_t events) override;  // the client socket
  void onUpstreamEvents(uint32_t events);
  void onTimer(int64_t now_ms) override;
  // The engine stops: idle connections close, busy ones finish their exchange; tunnels close
  // unless `keep_tunnels` (a retiring engine: they end on their own or by the tunnel timeout).
  void onDrain(bool keep_tunnels);
  // Kept its memory when it went idle and has been idle since `cutoff_ms` or before: gives back
  // its buffers, parsers and TLS record buffers. Returns whether the worker must look again
  // (still idle, but only since later); a session busy again is dropped from the worker's list
  // and decides anew when it next goes idle.
  bool releaseIdleMemory(int64_t cutoff_ms);
  void abort();    // close everything now

 private:
  enum class Phase : uint8_t { kHead, kForward, kTunnel, kClosing, kLinger, kDone };
  enum class RequestBody : uint8_t { kNone, kRelaying, kDone };
  enum class Response : uint8_t { kIdle, kHead, kBody, kDone };
  enum class ClientBody : uint8_t { kAsIs, kChunk, kRaw };  // how response data goes to the client

  // session_io.cpp: socket steps and interest
  bool readClient();
  bool writeClient();
  bool readUpstream();
  bool writeUpstream();
  bool wantClientRead() const;
  bool wantUpstreamRead() const;
  void updateInterest();
  void touch(int64_t timeout_ms);
  void startLinger();
  // Between requests: a connection whose previous request also ended less than idle_release ago
  // keeps what it holds for the next one (the worker takes it back once idle that long); any
  // other gives it back at once (a connection opened for one request holds nothing afterwards).
  void wentIdle();
  void giveBackMemory();
  bool idleBetweenRequests() const;  // no request begun, nothing buffered either way
  void finish();  // closes the client connection and retires the session

  // session_request.cpp: request side
  bool handleClientInput();
  bool handleHead();
  void startRequest(size_t head_len);
  void answerLocally(const LocalResponse& local, size_t head_len, bool keep_alive);
  void refuse(uint16_t status);  // parser refusal or timeout: error response, then close
  bool relayRequestBody();
  bool connectUpstream();
  void resetForNextRequest();

  // session_response.cpp: response side
  bool handleUpstreamInput();
  bool handleResponseHead();
  bool relayResponseBody();
  void finishExchange();
  void upstreamFailed(uint16_t status);  // 502 or 504, or a cut when the response has begun
  // The reused pooled connection was stale (closed, or `answered` with a 408): the request goes
  // once more on a new connection when it is safe (idempotent, no body, nothing relayed yet).
  bool retryOnFreshConnection(bool answered);
  void releaseUpstream(bool reusable);
  void endRequest(uint16_t status);  // counters, director hook, access log (once per request)

  Worker& worker_;
  ServiceRuntime& service_;
  const Timeouts& timeouts_;  // the service's own, else the engine's
  Transport client_;
  sockaddr_storage peer_;
  sockaddr_storage local_;
  std::string client_ip_;
  Phase phase_ = Phase::kHead;
  bool client_eof_ = false;
  bool upstream_eof_ = false;
  bool close_after_ = false;
  bool head_started_ = false;
  // A plain read returned less than asked: the socket is empty until epoll says otherwise (saves
  // the read that would return EAGAIN).
  bool client_drained_ = false;
  bool upstream_drained_ = false;
  // A read event came on a socket we do not read now: drop its EPOLLIN for real (see
  // Worker::watchLazily).
  bool client_unwanted_ = false;
  bool upstream_unwanted_ = false;
  bool upstream_write_shut_ = false;  // tunnel: the client's half-close was passed on
  bool answered_ = false;  // a response went out and the connection was kept for the next one
  // Idle between requests with buffers and parsers kept (see EngineConfig::idle_release).
  bool idle_noted_ = false;  // wentIdle() done for this pause between requests
  bool holds_idle_memory_ = false;
  bool in_idle_list_ = false;  // in the worker's idle_holders_
  int64_t last_answer_ms_ = -1;  // when the previous exchange ended and the connection went idle
  ByteBuffer cin_, cout_, uin_, uout_;

  // The exchange in progress.
  // Borrowed from the worker from the first byte of a head: an idle connection holds none.
  std::unique_ptr<http::RequestParser> request_parser_;
  // Borrowed from the worker while an exchange is forwarded: an idle connection holds none.
  std::unique_ptr<http::ResponseParser> response_parser_;
  http::BodyReader request_body_;
  http::BodyReader response_body_;
  RequestBody request_state_ = RequestBody::kNone;
  Response response_state_ = Response::kIdle;
  ClientBody client_body_ = ClientBody::kAsIs;
  bool request_chunked_ = false;
  bool client_http10_ = false;
  bool client_keep_alive_ = true;
  bool upgrade_requested_ = false;
  bool request_active_ = false;    // onRequestStart called, onRequestEnd not yet
  bool logged_ = true;             // endRequest done for the current request
  bool response_started_ = false;  // bytes of the final response went to cout_
  bool upstream_reusable_ = false;
  bool retried_ = false;
  bool hold_head_ = false;  // chunked request: the head waits until the first chunk line is valid
  http::RequestKind request_kind_ = http::RequestKind::kOther;
  UpstreamConn* up_ = nullptr;
  Decision decision_;
  HeaderEdits edits_;
  std::string retry_head_;  // the head as sent, while a retry on a fresh connection is allowed
  std::string method_, target_, host_;  // for the access log
  uint16_t status_ = 0;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;  // this request's
  int64_t started_us_ = 0, sent_us_ = 0, response_us_ = 0;
  int64_t started_unix_ms_ = 0;
  int64_t header_deadline_ = 0;  // client_header from the current head's first byte
};

}  // namespace vlb::l7::proxy
