// Session tickets: resumption works, survives one key rotation (previous key still decrypts),
// fails after two; rotate(now) follows the injected clock; keys are safe to share across threads.
#include <gtest/gtest.h>

#include <thread>

#include "l7/tls/server_context.h"
#include "l7/tls/self_signed.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

using Clock = TicketKeyRing::Clock;
using std::chrono::hours;
using std::chrono::minutes;

const Clock::time_point kStart{hours(1000)};

std::shared_ptr<ServerContext> service(const std::shared_ptr<TicketKeyRing>& ring,
                                       const std::string& name = "tickets") {
  ServerConfig config;
  config.service = name;
  config.self_signed_name = "tickets.example.com";
  config.ticket_keys = ring;
  auto made = ServerContext::create(std::move(config));
  EXPECT_TRUE(made.ok()) << made.error();
  return *made;
}

// One connection; offers `session` when given. Returns the session the client ends up with and
// whether the handshake resumed.
struct Outcome {
  bool ok = false;
  bool resumed = false;
  SslSessionPtr session;
};

Outcome connectOnce(SSL_CTX* client_ctx, const ServerContext& server, SSL_SESSION* session) {
  Pair pair = connectPair(client_ctx, server.acceptContext());
  SSL_set_tlsext_host_name(pair.client.get(), "tickets.example.com");
  if (session != nullptr) SSL_set_session(pair.client.get(), session);
  Outcome out;
  out.ok = handshake(pair.client.get(), pair.server.get()).ok &&
           serverToClient(pair.client.get(), pair.server.get(), "hello");  // TLS 1.3 tickets
  out.resumed = SSL_session_reused(pair.client.get()) == 1;
  closeBoth(pair);
  out.session.reset(SSL_get1_session(pair.client.get()));
  return out;
}

class Tickets : public ::testing::TestWithParam<int> {  // param: the client's max TLS version
 protected:
  void SetUp() override {
    client_ = plainClientContext();
    SSL_CTX_set_max_proto_version(client_.get(), GetParam());
    ring_ = std::make_shared<TicketKeyRing>(hours(1), kStart);
    server_ = service(ring_);
    ASSERT_TRUE(server_);
    first_ = connectOnce(client_.get(), *server_, nullptr);
    ASSERT_TRUE(first_.ok);
    ASSERT_FALSE(first_.resumed);
    ASSERT_TRUE(first_.session);
    ASSERT_EQ(SSL_SESSION_is_resumable(first_.session.get()), 1);
  }
  SslCtxPtr client_;
  std::shared_ptr<TicketKeyRing> ring_;
  std::shared_ptr<ServerContext> server_;
  Outcome first_;
};

TEST_P(Tickets, SessionResumes) {
  Outcome again = connectOnce(client_.get(), *server_, first_.session.get());
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.resumed);
}

TEST_P(Tickets, StillResumesAfterOneRotation) {
  EXPECT_EQ(ring_->rotate(kStart + hours(1)), 1);
  Outcome again = connectOnce(client_.get(), *server_, first_.session.get());
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.resumed);
}

TEST_P(Tickets, NoLongerResumesAfterTwoRotations) {
  EXPECT_EQ(ring_->rotate(kStart + hours(1)), 1);
  EXPECT_EQ(ring_->rotate(kStart + hours(2)), 1);
  Outcome again = connectOnce(client_.get(), *server_, first_.session.get());
  ASSERT_TRUE(again.ok);  // a full handshake instead
  EXPECT_FALSE(again.resumed);
}

TEST_P(Tickets, ATicketOfAnotherServiceIsNotResumed) {
  auto other = service(ring_, "another-service");
  Outcome elsewhere = connectOnce(client_.get(), *other, first_.session.get());
  ASSERT_TRUE(elsewhere.ok);
  EXPECT_FALSE(elsewhere.resumed);
}

TEST_P(Tickets, ResumesOnACertificateChosenBySni) {
  // "other.example.com" lives in a second SSL_CTX that the SNI callback switches to.
  ServerConfig config;
  config.service = "two-sites";
  auto first = generateSelfSigned("tickets.example.com");
  auto second = generateSelfSigned("other.example.com");
  ASSERT_TRUE(first.ok() && second.ok());
  config.certificates.push_back(std::move(*first));
  config.certificates.push_back(std::move(*second));
  config.ticket_keys = ring_;
  auto made = ServerContext::create(std::move(config));
  ASSERT_TRUE(made.ok()) << made.error();
  ASSERT_NE((*made)->contextFor("other.example.com"), (*made)->acceptContext());
  SslSessionPtr session;
  for (int i = 0; i < 2; ++i) {
    Pair pair = connectPair(client_.get(), (*made)->acceptContext());
    SSL_set_tlsext_host_name(pair.client.get(), "other.example.com");
    if (session) SSL_set_session(pair.client.get(), session.get());
    ASSERT_TRUE(handshake(pair.client.get(), pair.server.get()).ok);
    ASSERT_TRUE(serverToClient(pair.client.get(), pair.server.get(), "x"));
    EXPECT_EQ(peerCommonName(pair.client.get()), "other.example.com");
    EXPECT_EQ(SSL_session_reused(pair.client.get()) == 1, i == 1) << "connection " << i;
    closeBoth(pair);
    session.reset(SSL_get1_session(pair.client.get()));
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, Tickets, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION));

TEST(TicketKeyRing, RotatesOnlyWhenAPeriodHasPassed) {
  TicketKeyRing ring(hours(1), kStart);
  EXPECT_EQ(ring.period(), hours(1));
  EXPECT_EQ(ring.rotate(kStart + minutes(59)), 0);
  auto before = ring.current();
  EXPECT_EQ(ring.rotate(kStart + minutes(61)), 1);
  auto after = ring.current();
  EXPECT_NE(before.name, after.name);
  TicketKeyRing::Key found;
  bool is_current = true;
  ASSERT_TRUE(ring.find(before.name.data(), found, is_current));
  EXPECT_FALSE(is_current);
  EXPECT_EQ(ring.rotate(kStart + minutes(119)), 0);  // the schedule stays on the hour
  EXPECT_EQ(ring.rotate(kStart + minutes(120)), 1);
  EXPECT_FALSE(ring.find(before.name.data(), found, is_current));
  EXPECT_EQ(ring.rotate(kStart + hours(10)), 2);  // a long gap replaces both keys
  EXPECT_FALSE(ring.find(after.name.data(), found, is_current));
  EXPECT_EQ(ring.rotations(), 4u);
}

TEST(TicketKeyRing, DefaultPeriodIsOneHour) {
  TicketKeyRing ring;
  EXPECT_EQ(ring.period(), hours(1));
}

TEST(TicketKeyRing, WorkersResumeWhileKeysRotate) {
  auto ring = std::make_shared<TicketKeyRing>(hours(1), kStart);
  auto server = service(ring);
  ASSERT_TRUE(server);
  constexpr int kThreads = 2, kConnections = 15;
  std::atomic<int> failures{0}, resumed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&] {
      SslCtxPtr client = plainClientContext();
      SslSessionPtr session;
      for (int i = 0; i < kConnections; ++i) {
        Outcome out = connectOnce(client.get(), *server, session.get());
        if (!out.ok) ++failures;
        if (out.resumed) ++resumed;
        session = std::move(out.session);
      }
    });
  }
  for (int i = 0; i < 20; ++i) ring->forceRotate(kStart + minutes(i));
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(resumed.load(), 0);
}

}  // namespace
}  // namespace vlb::l7::tls::test
