// A non-blocking stream socket, plain or TLS. With TLS, SSL_read/SSL_write drive the handshake
// too, and each remembers whether OpenSSL needs the *other* readiness to go on (WANT_WRITE while
// reading, WANT_READ while writing), which the owner adds to its epoll interest.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vlb::l7::proxy {

enum class IoStatus : uint8_t { kOk, kWouldBlock, kEof, kError };

struct IoResult {
  IoStatus status = IoStatus::kOk;
  size_t bytes = 0;
};

class Transport {
 public:
  Transport() = default;
  ~Transport() { close(); }
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Takes ownership of `fd` and `ssl` (null for plain). The SSL gets the fd and the modes that make
  // writes retryable from a moving buffer and, with `release_buffers`, free OpenSSL's record
  // buffers whenever they are empty (small idle client connections).
  void attach(int fd, SSL* ssl, bool release_buffers);
  // A busy connection keeps its record buffers from record to record (no free and malloc for
  // each); an idle one frees them (now, when nothing is pending) and again whenever empty.
  // No-op for plain sockets.
  void keepBuffers(bool keep);
  void close();  // best-effort TLS close_notify, then close(2)
  bool open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  SSL* ssl() const { return ssl_; }

  IoResult read(char* dst, size_t cap);
  IoResult write(std::string_view src);

  // TLS needs the socket writable to make progress on a read, or readable for a write.
  bool readWantsWrite() const { return read_wants_write_; }
  bool writeWantsRead() const { return write_wants_read_; }
  bool handshakeFailed() const { return handshake_failed_; }
  // After a successful read: the socket was emptied by its last recv (it returned less than
  // asked) and, with TLS, nothing is left in OpenSSL's buffers either. Another read would only
  // return EAGAIN until epoll reports the socket readable again. Not once the peer has closed:
  // its end of stream may wait behind the bytes read, and edge-triggered epoll reported it
  // already (with them, in the same event).
  bool socketEmpty() const {
    return last_recv_short_ && !peer_closed_ && !(ssl_ && SSL_has_pending(ssl_));
  }
  // epoll reported EPOLLRDHUP, EPOLLHUP or EPOLLERR: read until the end of stream or an error.
  void notePeerClosed() { peer_closed_ = true; }

 private:
  IoResult sslResult(int ret, bool reading);
  static long onBio(BIO* bio, int oper, const char* argp, size_t len, int argi, long argl, int ret,
                    size_t* processed);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool read_wants_write_ = false;
  bool write_wants_read_ = false;
  bool handshake_failed_ = false;
  bool last_recv_short_ = false;
  bool peer_closed_ = false;
};

}  // namespace vlb::l7::proxy
