// Loopback test servers for the health checks; every wait is bounded by a timeout.
#include "loopback_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace vlb::health::testing {

int listenOn(uint32_t address, int backlog, uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(address);
  socklen_t len = sizeof sa;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(sa.sin_port);
  return fd;
}

TestCert::TestCert(const std::string& name) {
  key = EVP_EC_gen("P-256");
  cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), std::rand() & 0xffffff);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const std::string& ext :
       {"subjectAltName=DNS:" + name, std::string("basicConstraints=critical,CA:TRUE")}) {
    const size_t eq = ext.find('=');
    X509_EXTENSION* e =
        X509V3_EXT_conf(nullptr, &ctx, ext.substr(0, eq).c_str(), ext.substr(eq + 1).c_str());
    X509_add_ext(cert, e, -1);
    X509_EXTENSION_free(e);
  }
  X509_sign(cert, key, EVP_sha256());
  char dir_template[] = "/tmp/vlb-health-certXXXXXX";
  const char* dir = mkdtemp(dir_template);
  pem_path = std::string(dir ? dir : "/tmp") + "/cert.pem";
  if (FILE* f = std::fopen(pem_path.c_str(), "w")) {
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
}

TestCert::~TestCert() {
  std::remove(pem_path.c_str());
  rmdir(pem_path.substr(0, pem_path.rfind('/')).c_str());
  X509_free(cert);
  EVP_PKEY_free(key);
}

SSL_CTX* makeServerContext(const TestCert& cert) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, cert.cert);
  SSL_CTX_use_PrivateKey(ctx, cert.key);
  return ctx;
}

std::string httpResponse(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) +
         " Test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

HttpTestServer::HttpTestServer(SSL_CTX* tls) : tls_(tls), response_(httpResponse(200, "ok")) {
  listen_fd_ = listenOn(kLoopback, 64, &port_);
  thread_ = std::thread([this] { serve(); });
}

HttpTestServer::~HttpTestServer() {
  stop_ = true;
  thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void HttpTestServer::setResponse(std::string response) {
  std::lock_guard lock(mu_);
  response_ = std::move(response);
}

std::vector<std::string> HttpTestServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int HttpTestServer::resumedTlsSessions() const {
  std::lock_guard lock(mu_);
  return resumed_;
}

std::vector<uint32_t> HttpTestServer::peers() const {
  std::lock_guard lock(mu_);
  return peers_;
}

void HttpTestServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;  // wakes to see stop_
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(mu_);
      peers_.push_back(ntohl(peer.sin_addr.s_addr));
    }
    handle(fd);
    close(fd);
  }
}

void HttpTestServer::handle(int fd) {
  timeval tv{2, 0};  // a client that stalls cannot hold the server longer
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  SSL* ssl = nullptr;
  if (tls_) {
    ssl = SSL_new(tls_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      return;
    }
    std::lock_guard lock(mu_);
    resumed_ += SSL_session_reused(ssl) ? 1 : 0;
  }
  std::string request;
  for (int i = 0; i < 64 && request.find("\r\n\r\n") == std::string::npos; ++i) {
    char buf[4096];
    const int n = ssl ? SSL_read(ssl, buf, sizeof buf) : int(recv(fd, buf, sizeof buf, 0));
    if (n <= 0) break;
    request.append(buf, size_t(n));
  }
  std::string response;
  {
    std::lock_guard lock(mu_);
    if (!request.empty()) requests_.push_back(request);
    response = response_;
  }
  if (!request.empty()) {
    if (ssl)
      SSL_write(ssl, response.data(), int(response.size()));
    else
      send(fd, response.data(), response.size(), MSG_NOSIGNAL);
  }
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
}

BlackholePort::BlackholePort() {
  listen_fd_ = listenOn(kLoopback, 0, &port_);
  if (listen_fd_ < 0) return;
  // One established connection fills a backlog of 0; wait until the kernel queued it.
  filler_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{2, 0};
  setsockopt(filler_fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(kLoopback);
  sa.sin_port = htons(port_);
  if (connect(filler_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return;
  pollfd p{listen_fd_, POLLIN, 0};
  ready_ = poll(&p, 1, 2000) == 1;
}

BlackholePort::~BlackholePort() {
  if (filler_fd_ >= 0) close(filler_fd_);
  if (listen_fd_ >= 0) close(listen_fd_);
}

RefusedPort::RefusedPort() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(kLoopback);
  socklen_t len = sizeof sa;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
      getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0)
    port_ = ntohs(sa.sin_port);
}

RefusedPort::~RefusedPort() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace vlb::health::testing
