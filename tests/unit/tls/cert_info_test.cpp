// describeCertificate: the fields `show certificates` prints, checked against the certificate we
// built and, for the fingerprint, against the openssl CLI.
#include <gtest/gtest.h>

#include <cstdio>

#include "l7/tls/cert_info.h"
#include "l7/tls/self_signed.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

CertificateBundle leafBundle(KeyType type) {
  Issued leaf = issue({"info.example.com", {"info.example.com", "www.info.example.com"}, type},
                      &testPki().intermediate);
  CertificateBundle b;
  b.leaf = std::move(leaf.cert);
  b.key = std::move(leaf.key);
  b.chain.push_back(shareX509(testPki().intermediate.cert.get()));
  b.source = "info.pem";
  return b;
}

std::string cliFingerprint(const std::string& pem_path) {
  std::string cmd = "openssl x509 -noout -fingerprint -sha256 -in " + pem_path;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  char buf[256] = {};
  std::string out = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  auto eq = out.find('=');
  if (eq == std::string::npos) return "";
  out = out.substr(eq + 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(CertInfo, EcdsaLeafFields) {
  CertificateBundle b = leafBundle(KeyType::kEcP256);
  int64_t not_after = 0;
  {
    CertificateInfo probe = describeCertificate(b);
    not_after = probe.not_after;
  }
  auto now = system_clock::time_point(seconds(not_after - 10 * 86400 - 1));
  CertificateInfo info = describeCertificate(b, now);
  EXPECT_EQ(info.subject_cn, "info.example.com");
  EXPECT_EQ(info.sans, (std::vector<std::string>{"info.example.com", "www.info.example.com"}));
  EXPECT_EQ(info.issuer, "CN=VLB Test Intermediate,O=VLB Test");
  EXPECT_EQ(info.subject, "CN=info.example.com,O=VLB Test");
  EXPECT_EQ(info.key_type, "ECDSA");
  EXPECT_EQ(info.key_bits, 256);
  EXPECT_EQ(info.curve, "prime256v1");
  EXPECT_EQ(info.days_until_expiry, 10);
  EXPECT_FALSE(info.generated);
  EXPECT_EQ(info.chain_length, 1);
  EXPECT_EQ(info.source, "info.pem");
  // Validity: built as [now - 1 day, now + 365 days].
  EXPECT_EQ(info.not_after - info.not_before, 366 * 86400);
  EXPECT_EQ(info.not_after_text.size(), 20u);
  EXPECT_EQ(info.not_after_text.back(), 'Z');

  TempDir dir;
  writeText(dir.file("leaf.pem"), pemOf(b.leaf.get()));
  EXPECT_EQ(info.sha256_fingerprint, cliFingerprint(dir.file("leaf.pem")));
  EXPECT_EQ(info.sha256_fingerprint.size(), 32u * 3 - 1);
}

TEST(CertInfo, RsaLeafAndExpiryCountdownGoesNegative) {
  CertificateBundle b = leafBundle(KeyType::kRsa2048);
  CertificateInfo probe = describeCertificate(b);
  EXPECT_EQ(probe.key_type, "RSA");
  EXPECT_EQ(probe.key_bits, 2048);
  EXPECT_EQ(probe.curve, "");
  auto later = system_clock::time_point(seconds(probe.not_after + 3 * 86400 + 5));
  EXPECT_EQ(describeCertificate(b, later).days_until_expiry, -4);  // floor: 3 days and 5 s past
  auto just_before = system_clock::time_point(seconds(probe.not_after - 5));
  EXPECT_EQ(describeCertificate(b, just_before).days_until_expiry, 0);
}

TEST(CertInfo, GeneratedFlagAndSelfIssued) {
  auto b = generateSelfSigned("203.0.113.10");
  ASSERT_TRUE(b.ok()) << b.error();
  CertificateInfo info = describeCertificate(*b);
  EXPECT_TRUE(info.generated);
  EXPECT_EQ(info.subject_cn, "203.0.113.10");
  EXPECT_TRUE(info.sans.empty());  // an IP SAN, not a DNS one
  EXPECT_EQ(info.issuer, "CN=203.0.113.10");
  EXPECT_EQ(info.key_type, "ECDSA");
  EXPECT_GE(info.days_until_expiry, 824);
}

}  // namespace
}  // namespace vlb::l7::tls::test
