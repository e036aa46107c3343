// TLS: termination with a self-signed SSL_CTX built here, re-encryption to a TLS real with the
// SNI the director asks for, keep-alive reuse of TLS upstream connections, and the access log
// lines (parsed back) carrying the TLS version and cipher.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "l7/accesslog/access_log.h"
#include "l7/accesslog/line_format.h"
#include "l7/tls/client_context.h"
#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

// A server context with a fresh P-256 key and a self-signed certificate for `cn` (its PEM in
// `pem` when asked for).
SSL_CTX* selfSignedServer(const char* cn, std::string* pem = nullptr) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  if (pem) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, x);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    pem->assign(data, size_t(n));
    BIO_free(bio);
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, x);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(x);
  EVP_PKEY_free(key);
  return ctx;
}

struct TlsTest : ProxyFixture {
  void SetUp() override {
    server_ctx = selfSignedServer("vip.example.test");
    real_ctx = selfSignedServer("real.example.test", &real_pem);
    client_ctx = SSL_CTX_new(TLS_client_method());  // the test trusts what it built
    char dir[] = "/tmp/vlb-proxy-tls-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    log_dir = dir;
    log_path = log_dir + "/access.log";
    accesslog::AccessLogOptions o;
    auto log = accesslog::AccessLog::open(log_path, o);
    ASSERT_TRUE(log.ok()) << log.error();
    access_log = std::move(*log);
  }
  void TearDown() override {
    ProxyFixture::TearDown();
    access_log.reset();
    std::filesystem::remove_all(log_dir);
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(real_ctx);
    SSL_CTX_free(client_ctx);
  }
  // A service on 127.0.0.1 that terminates TLS with server_ctx.
  ServiceConfig tlsService(const char* name) const {
    ServiceConfig s;
    s.name = name;
    s.address = "127.0.0.1";
    s.server_tls = server_ctx;
    return s;
  }
  Conn tlsConnect(const char* sni) {
    Conn c = connectTo(proxy_port);
    c.ssl = SSL_new(client_ctx);
    SSL_set_fd(c.ssl, c.fd);
    SSL_set_tlsext_host_name(c.ssl, sni);
    EXPECT_EQ(SSL_connect(c.ssl), 1);
    return c;
  }
  std::vector<std::map<std::string, std::string>> logLines() {
    access_log->flush();
    std::ifstream in(log_path);
    std::vector<std::map<std::string, std::string>> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(accesslog::parseLine(line));
    return lines;
  }
  SSL_CTX* server_ctx = nullptr;
  SSL_CTX* real_ctx = nullptr;
  SSL_CTX* client_ctx = nullptr;
  std::string real_pem;
  std::string log_dir, log_path;
  std::unique_ptr<accesslog::AccessLog> access_log;
};

TEST_F(TlsTest, TerminatesTlsAndForwardsPlain) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.services.push_back(tlsService("owa"));
  config.access_log = access_log.get();
  startProxy(director, config);
  Conn c = tlsConnect("vip.example.test");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        c.sendAll("POST /owa/x HTTP/1.1\r\nHost: vip.example.test\r\n"
                  "Content-Length: 3\r\n\r\nabc"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r, "POST"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "abc");
  }
  ASSERT_EQ(up.requests().size(), 3u);
  EXPECT_EQ(up.requests()[0].fields.at("x-forwarded-proto"), "https");
  EXPECT_EQ(up.accepts(), 1);
  const auto lines = logLines();
  ASSERT_EQ(lines.size(), 3u);
  const auto& l = lines[0];
  EXPECT_EQ(l.at("service"), "owa");
  EXPECT_EQ(l.at("method"), "POST");
  EXPECT_EQ(l.at("path"), "/owa/x");
  EXPECT_EQ(l.at("host"), "vip.example.test");
  EXPECT_EQ(l.at("status"), "200");
  EXPECT_EQ(l.at("real"), "real7");
  EXPECT_EQ(l.at("persist"), "hit");
  EXPECT_EQ(l.at("tls"), "TLSv1.3");
  EXPECT_EQ(l.at("cipher").substr(0, 4), "TLS_");
  EXPECT_EQ(l.at("client").substr(0, 10), "127.0.0.1:");
  EXPECT_EQ(l.at("vip"), "127.0.0.1:" + std::to_string(proxy_port));
  EXPECT_EQ(l.at("bytes_in"), "70");  // head (67) and body (3)
  EXPECT_NE(l.at("upstream_ms"), "-");
}

// OpenSSL's record buffers go back with the rest once the connection is idle; the TLS session
// goes on with new ones.
TEST_F(TlsTest, AnIdleTlsConnectionGivesItsBuffersBackAndStillServes) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.idle_release = std::chrono::milliseconds(20);
  config.services.push_back(tlsService("owa"));
  startProxy(director, config);
  Conn c = tlsConnect("vip.example.test");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(getStatus(c, "vip.example.test", "/owa/"), 200);
    EXPECT_EQ(bufferedBytesOnceIdle(engine), 0u) << "request " << i;
  }
  EXPECT_EQ(up.requests().size(), 3u);
}

TEST_F(TlsTest, ReencryptsToTheRealWithTheDirectorsSni) {
  std::mutex mu;
  std::vector<std::string> snis;
  SSL_CTX* real_ctx_copy = real_ctx;
  TestUpstream& up = makeUpstream([&, real_ctx_copy](Conn& c, TestUpstream& u) {
    c.ssl = SSL_new(real_ctx_copy);
    SSL_set_fd(c.ssl, c.fd);
    if (SSL_accept(c.ssl) != 1) return;
    const char* sni = SSL_get_servername(c.ssl, TLSEXT_NAMETYPE_host_name);
    {
      std::lock_guard<std::mutex> lock(mu);
      snis.push_back(sni ? sni : "");
    }
    echoHandler(c, u);
  });
  TestDirector& director = makeDirector(up.port(), true, "real.example.test");
  EngineConfig config;
  ServiceConfig s = tlsService("reencrypt");
  s.upstream_tls = client_ctx;
  config.services.push_back(s);
  startProxy(director, config);
  Conn c = tlsConnect("vip.example.test");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.sendAll("GET /a HTTP/1.1\r\nHost: vip.example.test\r\n\r\n"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(up.accepts(), 1);  // the TLS upstream connection was kept and reused
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(snis.size(), 1u);
  EXPECT_EQ(snis[0], "real.example.test");
}

// Re-encrypt with a verifying l7/tls ClientContext that trusts the real's certificate: the name the
// engine sends as SNI must also be the certificate's, else the handshake fails (502); without
// verification the same wrong name passes.
TEST_F(TlsTest, VerifyChecksTheRealsHostNameAsWellAsTheChain) {
  SSL_CTX* real = real_ctx;
  TestUpstream& up = makeUpstream([real](Conn& c, TestUpstream& u) {
    c.ssl = SSL_new(real);
    SSL_set_fd(c.ssl, c.fd);
    if (SSL_accept(c.ssl) != 1) return;
    echoHandler(c, u);
  });
  const std::string ca_path = log_dir + "/real.pem";
  std::ofstream(ca_path) << real_pem;
  auto make = [&](bool verify) {
    tls::ClientConfig cc;
    cc.name = verify ? "verifying" : "trusting";
    cc.verify = verify;
    cc.ca_file = ca_path;
    auto ctx = tls::ClientContext::create(cc);
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error());
    return ctx.ok() ? *ctx : nullptr;
  };
  std::shared_ptr<tls::ClientContext> verifying = make(true), trusting = make(false);
  ASSERT_TRUE(verifying && trusting);
  struct Case {
    const char* sni;
    tls::ClientContext* ctx;
    int status;
  };
  const Case cases[] = {{"wrong.example.test", verifying.get(), 502},
                        {"real.example.test", verifying.get(), 200},
                        {"wrong.example.test", trusting.get(), 200}};
  for (const Case& k : cases) {
    SCOPED_TRACE(std::string(k.sni) + (k.ctx == verifying.get() ? " verify" : " no verify"));
    TestDirector& director = makeDirector(up.port(), true, k.sni);
    EngineConfig config;
    ServiceConfig s;
    s.name = "reencrypt";
    s.address = "127.0.0.1";
    s.upstream_tls = k.ctx->connectContext();
    config.services.push_back(s);
    startProxy(director, config);
    Conn c = connectTo(proxy_port);
    ASSERT_TRUE(c.sendAll("GET /v HTTP/1.1\r\nHost: vip.example.test\r\n\r\n"));
    Response r;
    ASSERT_TRUE(readResponse(c, &r));
    EXPECT_EQ(r.status, k.status);
    c.close();
    engine.stop();
  }
}

TEST_F(TlsTest, PlainTextOnATlsListenerIsCountedAsAHandshakeError) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.services.push_back(tlsService("tls"));
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  ASSERT_TRUE(c.sendAll("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_FALSE(c.readMore() && c.readMore());  // closed (an alert may come first)
  EXPECT_EQ(engine.serviceCounters(0).tls_handshake_errors.load(), 1u);
  EXPECT_EQ(up.accepts(), 0);
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
