// Google Benchmark of TLS handshakes through l7/tls contexts over in-memory BIO pairs (no
// sockets): full handshakes with an ECDSA P-256 or an RSA-2048 certificate, and handshakes resumed
// from a session ticket. Each iteration runs BOTH ends (client and server) on one thread, so the
// server's share is a part of the time shown. Not a test: nothing asserts a time.
//   build/perf/tls_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "l7/tls/self_signed.h"
#include "l7/tls/server_context.h"

namespace {

using namespace vlb::l7::tls;

std::shared_ptr<ServerContext> makeService(bool rsa) {
  auto key = rsa ? generateKey("", 2048) : generateKey("P-256");
  if (!key) return nullptr;
  auto cert = generateSelfSigned("bench.example.com", std::move(*key));
  if (!cert) return nullptr;
  ServerConfig config;
  config.service = "bench";
  config.certificates.push_back(std::move(*cert));
  auto made = ServerContext::create(std::move(config));
  return made ? *made : nullptr;
}

SslCtxPtr makeClient(int max_version) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  return ctx;
}

bool drive(SSL* ssl, bool& done) {
  if (done) return true;
  int rc = SSL_do_handshake(ssl);
  if (rc == 1) return done = true;
  int err = SSL_get_error(ssl, rc);
  return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
}

// One connection; returns the client's session (for resumption) or null on failure. Sends one
// byte server -> client so TLS 1.3 tickets reach the client, then closes cleanly.
SslSessionPtr connectOnce(SSL_CTX* client_ctx, SSL_CTX* server_ctx, SSL_SESSION* resume,
                          bool& resumed) {
  SslPtr client(SSL_new(client_ctx)), server(SSL_new(server_ctx));
  BIO *cb = nullptr, *sb = nullptr;
  BIO_new_bio_pair(&cb, 0, &sb, 0);
  SSL_set_bio(client.get(), cb, cb);
  SSL_set_bio(server.get(), sb, sb);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  SSL_set_tlsext_host_name(client.get(), "bench.example.com");
  if (resume != nullptr) SSL_set_session(client.get(), resume);
  bool cdone = false, sdone = false;
  for (int round = 0; round < 20 && !(cdone && sdone); ++round) {
    if (!drive(client.get(), cdone) || !drive(server.get(), sdone)) return nullptr;
  }
  if (!(cdone && sdone)) return nullptr;
  char byte = 'x';
  if (SSL_write(server.get(), &byte, 1) != 1 || SSL_read(client.get(), &byte, 1) != 1) return nullptr;
  resumed = SSL_session_reused(client.get()) == 1;
  SSL_shutdown(client.get());
  SSL_shutdown(server.get());
  return SslSessionPtr(SSL_get1_session(client.get()));
}

void fullHandshake(benchmark::State& state, bool rsa) {
  auto service = makeService(rsa);
  SslCtxPtr client = makeClient(static_cast<int>(state.range(0)));
  if (!service) return state.SkipWithError("cannot build the service");
  for (auto _ : state) {
    bool resumed = false;
    SslSessionPtr s = connectOnce(client.get(), service->acceptContext(), nullptr, resumed);
    if (!s) return state.SkipWithError("handshake failed");
  }
  state.counters["handshakes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_FullHandshakeEcdsaP256(benchmark::State& state) { fullHandshake(state, false); }
void BM_FullHandshakeRsa2048(benchmark::State& state) { fullHandshake(state, true); }

void BM_ResumedHandshake(benchmark::State& state) {
  auto service = makeService(false);
  SslCtxPtr client = makeClient(static_cast<int>(state.range(0)));
  if (!service) return state.SkipWithError("cannot build the service");
  bool resumed = false;
  SslSessionPtr session = connectOnce(client.get(), service->acceptContext(), nullptr, resumed);
  if (!session) return state.SkipWithError("first handshake failed");
  for (auto _ : state) {
    SslSessionPtr next = connectOnce(client.get(), service->acceptContext(), session.get(), resumed);
    if (!next || !resumed) return state.SkipWithError("not resumed");
  }
  state.counters["handshakes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Argument: the client's highest TLS version (0x0303 = TLS 1.2, 0x0304 = TLS 1.3).
BENCHMARK(BM_FullHandshakeEcdsaP256)->Arg(TLS1_2_VERSION)->Arg(TLS1_3_VERSION)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FullHandshakeRsa2048)->Arg(TLS1_2_VERSION)->Arg(TLS1_3_VERSION)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ResumedHandshake)->Arg(TLS1_2_VERSION)->Arg(TLS1_3_VERSION)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
