// Transport: read/write over a plain socket or a non-blocking OpenSSL session.
#include "l7/proxy/transport.h"

#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "l7/proxy/socket_util.h"

namespace vlb::l7::proxy {

void Transport::attach(int fd, SSL* ssl, bool release_buffers) {
  close();
  fd_ = fd;
  ssl_ = ssl;
  if (ssl_) {
    SSL_set_fd(ssl_, fd_);
    if (BIO* rbio = SSL_get_rbio(ssl_)) {  // sees how much each recv under SSL_read returned
      BIO_set_callback_arg(rbio, reinterpret_cast<char*>(this));
      BIO_set_callback_ex(rbio, onBio);
    }
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (release_buffers) SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
    // One recv per burst of records instead of two per record (header, then body). Records read
    // ahead stay in OpenSSL's buffer, which every pump round drains before the socket.
    SSL_set_read_ahead(ssl_, 1);
  }
}

void Transport::keepBuffers(bool keep) {
  if (!ssl_) return;
  if (keep) {
    SSL_clear_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
  } else {
    SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
    SSL_free_buffers(ssl_);  // 0 when data is pending: they stay, nothing is lost
  }
}

void Transport::close() {
  if (ssl_) {
    if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);  // one try; we do not wait for the peer
    SSL_free(ssl_);
    ssl_ = nullptr;
    ERR_clear_error();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  read_wants_write_ = write_wants_read_ = false;
  last_recv_short_ = peer_closed_ = false;
}

IoResult Transport::sslResult(int ret, bool reading) {
  const int err = SSL_get_error(ssl_, ret);
  bool& other = reading ? read_wants_write_ : write_wants_read_;
  switch (err) {
    case SSL_ERROR_WANT_READ:
      other = !reading;
      return {IoStatus::kWouldBlock, 0};
    case SSL_ERROR_WANT_WRITE:
      other = reading;
      return {IoStatus::kWouldBlock, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {IoStatus::kEof, 0};
    default:
      if (!SSL_is_init_finished(ssl_)) handshake_failed_ = true;
      ERR_clear_error();
      return {IoStatus::kError, 0};
  }
}

long Transport::onBio(BIO* bio, int oper, const char*, size_t len, int, long, int ret,
                      size_t* processed) {
  if (oper == (BIO_CB_READ | BIO_CB_RETURN)) {
    auto* self = reinterpret_cast<Transport*>(BIO_get_callback_arg(bio));
    self->last_recv_short_ = ret > 0 && processed && *processed < len;
  }
  return ret;
}

IoResult Transport::read(char* dst, size_t cap) {
  if (ssl_) {
    read_wants_write_ = false;
    size_t got = 0;
    const int ret = SSL_read_ex(ssl_, dst, cap, &got);
    if (ret == 1) return {IoStatus::kOk, got};
    return sslResult(ret, true);
  }
  while (true) {
    const ssize_t n = recvDirect(fd_, dst, cap, 0);
    last_recv_short_ = n > 0 && size_t(n) < cap;
    if (n > 0) return {IoStatus::kOk, size_t(n)};
    if (n == 0) return {IoStatus::kEof, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWouldBlock, 0};
    return {IoStatus::kError, 0};
  }
}

IoResult Transport::write(std::string_view src) {
  if (ssl_) {
    write_wants_read_ = false;
    size_t put = 0;
    const int ret = SSL_write_ex(ssl_, src.data(), src.size(), &put);
    if (ret == 1) return {IoStatus::kOk, put};
    return sslResult(ret, false);
  }
  while (true) {
    const ssize_t n = sendDirect(fd_, src.data(), src.size(), MSG_NOSIGNAL);
    if (n >= 0) return {IoStatus::kOk, size_t(n)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWouldBlock, 0};
    return {IoStatus::kError, 0};
  }
}

}  // namespace vlb::l7::proxy
