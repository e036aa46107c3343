// Loading PEM (separate files, one bundle in any order, encrypted keys) and PKCS#12 (made by the
// openssl CLI, current and legacy encryption), and the errors a person sees when it goes wrong.
#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

#include "l7/tls/cert_loader.h"
#include "l7/tls/cert_names.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Loader : public ::testing::Test {
 protected:
  void SetUp() override {
    const Pki& pki = testPki();
    Issued leaf = issue({"owa.example.com", {"owa.example.com"}}, &pki.intermediate);
    leaf_pem_ = pemOf(leaf.cert.get());
    key_pem_ = pemOf(leaf.key.get());
    chain_pem_ = pemOf(pki.intermediate.cert.get());
    root_pem_ = pemOf(pki.root.cert.get());
    writeText(dir_.file("owa.crt"), leaf_pem_);
    writeText(dir_.file("owa.key"), key_pem_);
    writeText(dir_.file("chain.pem"), chain_pem_);
    leaf_key_ = std::move(leaf.key);
  }

  int run(const std::string& command) { return std::system((command + " 2>/dev/null").c_str()); }

  TempDir dir_;
  std::string leaf_pem_, key_pem_, chain_pem_, root_pem_;
  EvpPkeyPtr leaf_key_;
};

TEST_F(Loader, SeparateCertificateKeyAndChainFiles) {
  auto b = loadPem({dir_.file("owa.crt"), dir_.file("owa.key"), dir_.file("chain.pem"), ""});
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(commonName(b->leaf.get()), "owa.example.com");
  ASSERT_EQ(b->chain.size(), 1u);
  EXPECT_EQ(commonName(b->chain[0].get()), "VLB Test Intermediate");
  EXPECT_TRUE(b->warnings.empty());
  EXPECT_FALSE(b->generated);
}

TEST_F(Loader, OneBundleFileInAnyOrderDropsTheRoot) {
  writeText(dir_.file("bundle.pem"), root_pem_ + key_pem_ + chain_pem_ + leaf_pem_);
  auto b = loadPem({dir_.file("bundle.pem"), "", "", ""});
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(commonName(b->leaf.get()), "owa.example.com");
  ASSERT_EQ(b->chain.size(), 1u);
  EXPECT_EQ(commonName(b->chain[0].get()), "VLB Test Intermediate");
  EXPECT_TRUE(b->warnings.empty()) << b->warnings[0];
}

TEST_F(Loader, KeyThatDoesNotMatchIsNamed) {
  writeText(dir_.file("other.key"), pemOf(makeKey(KeyType::kEcP256).get()));
  auto b = loadPem({dir_.file("owa.crt"), dir_.file("other.key"), "", ""});
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(has(b.error(), "does not match")) << b.error();
  EXPECT_TRUE(has(b.error(), dir_.file("other.key"))) << b.error();
  EXPECT_TRUE(has(b.error(), "owa.example.com")) << b.error();
}

TEST_F(Loader, MissingAndNonPemFilesAreNamed) {
  auto missing = loadPem({dir_.file("nope.crt"), dir_.file("owa.key"), "", ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(has(missing.error(), dir_.file("nope.crt"))) << missing.error();
  EXPECT_TRUE(has(missing.error(), "No such file")) << missing.error();

  writeText(dir_.file("junk.crt"), "this is not a certificate\n");
  auto junk = loadPem({dir_.file("junk.crt"), dir_.file("owa.key"), "", ""});
  ASSERT_FALSE(junk.ok());
  EXPECT_TRUE(has(junk.error(), "no PEM certificate found in " + dir_.file("junk.crt")))
      << junk.error();

  auto no_key = loadPem({dir_.file("owa.crt"), "", "", ""});
  ASSERT_FALSE(no_key.ok());
  EXPECT_TRUE(has(no_key.error(), "no PEM private key found in " + dir_.file("owa.crt")))
      << no_key.error();
}

TEST_F(Loader, ExpiredCertificateLoadsWithAWarning) {
  Issued old = issue({"old.example.com", {"old.example.com"}, KeyType::kEcP256, false, -30, -1},
                     &testPki().intermediate);
  writeText(dir_.file("old.pem"), pemOf(old.cert.get()) + pemOf(old.key.get()));
  auto b = loadPem({dir_.file("old.pem"), "", "", ""});
  ASSERT_TRUE(b.ok()) << b.error();
  ASSERT_EQ(b->warnings.size(), 1u);
  EXPECT_TRUE(has(b->warnings[0], "expired")) << b->warnings[0];
  EXPECT_TRUE(has(b->warnings[0], dir_.file("old.pem"))) << b->warnings[0];
}

TEST_F(Loader, EncryptedKeyNeedsTheRightPassword) {
  BioPtr out(BIO_new_file(dir_.file("enc.key").c_str(), "w"));
  ASSERT_EQ(PEM_write_bio_PrivateKey(out.get(), leaf_key_.get(), EVP_aes_256_cbc(),
                                     reinterpret_cast<const unsigned char*>("s3cret"), 6, nullptr,
                                     nullptr), 1);
  out.reset();
  auto right = loadPem({dir_.file("owa.crt"), dir_.file("enc.key"), "", "s3cret"});
  EXPECT_TRUE(right.ok()) << right.error();
  auto wrong = loadPem({dir_.file("owa.crt"), dir_.file("enc.key"), "", "guess"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(has(wrong.error(), "wrong key password")) << wrong.error();
  auto none = loadPem({dir_.file("owa.crt"), dir_.file("enc.key"), "", ""});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(has(none.error(), "no key password was given")) << none.error();
}

// About one wrong password in 256 decrypts to a valid padding and fails later, as undecodable
// garbage: that must still be reported as a wrong password, not as a bad key.
TEST_F(Loader, WrongPasswordThatPassesThePaddingCheckIsStillAWrongPassword) {
  BioPtr out(BIO_new_file(dir_.file("enc.key").c_str(), "w"));
  ASSERT_EQ(PEM_write_bio_PrivateKey(out.get(), leaf_key_.get(), EVP_aes_256_cbc(),
                                     reinterpret_cast<const unsigned char*>("s3cret"), 6, nullptr,
                                     nullptr), 1);
  out.reset();
  int garbage_cases = 0;
  for (int i = 0; i < 6000 && garbage_cases == 0; ++i) {  // P(none in 6000) ~ 1e-10
    // Which wrong passwords pass the padding check depends on the key's random salt and IV, so
    // the loop asks OpenSSL directly which failure a guess gives.
    const std::string guess = "guess" + std::to_string(i);
    BioPtr in(BIO_new_file(dir_.file("enc.key").c_str(), "r"));
    ERR_clear_error();
    EVP_PKEY* k = PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr,
                                          const_cast<char*>(guess.c_str()));
    bool bad_decrypt = false;
    while (unsigned long e = ERR_get_error()) bad_decrypt |= ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT;
    EVP_PKEY_free(k);
    if (k != nullptr || bad_decrypt) continue;
    ++garbage_cases;
    auto wrong = loadPem({dir_.file("owa.crt"), dir_.file("enc.key"), "", guess});
    ASSERT_FALSE(wrong.ok());
    EXPECT_TRUE(has(wrong.error(), "wrong key password")) << wrong.error();
  }
  EXPECT_EQ(garbage_cases, 1);
}

TEST_F(Loader, PfxWithRightAndWrongPassword) {
  ASSERT_EQ(run("openssl pkcs12 -export -in " + dir_.file("owa.crt") + " -inkey " +
                dir_.file("owa.key") + " -certfile " + dir_.file("chain.pem") + " -out " +
                dir_.file("owa.pfx") + " -passout pass:Exch4nge!"), 0);
  auto right = loadPfx(dir_.file("owa.pfx"), "Exch4nge!");
  ASSERT_TRUE(right.ok()) << right.error();
  EXPECT_EQ(commonName(right->leaf.get()), "owa.example.com");
  EXPECT_EQ(right->chain.size(), 1u);
  EXPECT_EQ(X509_check_private_key(right->leaf.get(), right->key.get()), 1);

  auto wrong = loadPfx(dir_.file("owa.pfx"), "exchange");
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(has(wrong.error(), "wrong password")) << wrong.error();
  EXPECT_TRUE(has(wrong.error(), dir_.file("owa.pfx"))) << wrong.error();
}

TEST_F(Loader, LegacyEncryptedPfxLoads) {
  ASSERT_EQ(run("openssl pkcs12 -export -legacy -in " + dir_.file("owa.crt") + " -inkey " +
                dir_.file("owa.key") + " -out " + dir_.file("old.pfx") + " -passout pass:pw"), 0);
  auto b = loadPfx(dir_.file("old.pfx"), "pw");
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(commonName(b->leaf.get()), "owa.example.com");
}

TEST_F(Loader, NotAPfxIsSaidSo) {
  auto b = loadPfx(dir_.file("owa.crt"), "x");
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(has(b.error(), "is not a PKCS#12")) << b.error();
  auto missing = loadPfx(dir_.file("none.pfx"), "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(has(missing.error(), "No such file")) << missing.error();
}

}  // namespace
}  // namespace vlb::l7::tls::test
