// Servers the health tests check against, all on 127.0.0.0/8: an HTTP(S) server that records what
// it received, a black-holed port (full accept queue: SYNs dropped), a refused port, and
// self-signed certificates made on the fly.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vlb::health::testing {

constexpr uint32_t kLoopback = 0x7F000001;  // 127.0.0.1

// A listening TCP socket on `address`, port chosen by the kernel.
int listenOn(uint32_t address, int backlog, uint16_t* port);

// A self-signed certificate for DNS name `name`, its key, and its PEM file in a temp dir.
struct TestCert {
  TestCert(const std::string& name);
  ~TestCert();
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string pem_path;
};

SSL_CTX* makeServerContext(const TestCert& cert);

// Answers every connection with `response` after reading a request head, then closes. With a TLS
// context it speaks HTTPS. Records requests and peer addresses.
class HttpTestServer {
 public:
  explicit HttpTestServer(SSL_CTX* tls = nullptr);
  ~HttpTestServer();

  uint16_t port() const { return port_; }
  void setResponse(std::string response);
  std::vector<std::string> requests() const;
  std::vector<uint32_t> peers() const;  // host byte order, one per accepted connection
  int resumedTlsSessions() const;       // handshakes that resumed an earlier session

 private:
  void serve();
  void handle(int fd);

  SSL_CTX* tls_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string response_;
  std::vector<std::string> requests_;
  std::vector<uint32_t> peers_;
  int resumed_ = 0;
  std::thread thread_;
};

std::string httpResponse(int status, const std::string& body);

// A port whose listener's accept queue is full: the kernel drops further SYNs, so a connect
// neither succeeds nor is refused.
class BlackholePort {
 public:
  BlackholePort();
  ~BlackholePort();
  uint16_t port() const { return port_; }
  bool ready() const { return ready_; }

 private:
  int listen_fd_ = -1, filler_fd_ = -1;
  uint16_t port_ = 0;
  bool ready_ = false;
};

// A port bound but not listening: SYNs get a RST. Keeps the port from being reused meanwhile.
class RefusedPort {
 public:
  RefusedPort();
  ~RefusedPort();
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace vlb::health::testing
