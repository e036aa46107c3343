// The key store: modes 0600/0644, atomic replacement, PFX import round trip, name checks.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "l7/tls/cert_loader.h"
#include "l7/tls/cert_names.h"
#include "l7/tls/key_store.h"
#include "l7/tls/self_signed.h"
#include "tls_test_util.h"

namespace vlb::l7::tls::test {
namespace {

mode_t modeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

size_t filesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(KeyStore, KeyIs0600AndCertificate0644EvenWithAPermissiveUmask) {
  TempDir dir;
  auto bundle = generateSelfSigned("store.example.com");
  ASSERT_TRUE(bundle.ok()) << bundle.error();
  mode_t old_umask = ::umask(0);
  auto key = storeKey(dir.file("keys"), "store", bundle->key.get());
  auto cert = storeCertificate(dir.file("keys"), "store", *bundle);
  ::umask(old_umask);
  ASSERT_TRUE(key.ok()) << key.error();
  ASSERT_TRUE(cert.ok()) << cert.error();
  EXPECT_EQ(*key, dir.file("keys/store.key"));
  EXPECT_EQ(modeOf(*key), 0600u);
  EXPECT_EQ(modeOf(*cert), 0644u);
  EXPECT_EQ(modeOf(dir.file("keys")), 0700u);
  EXPECT_EQ(filesIn(dir.file("keys")), 2u);  // no temp files left behind

  auto loaded = loadPem({*cert, *key, "", ""});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(commonName(loaded->leaf.get()), "store.example.com");
}

TEST(KeyStore, ReplacingAKeyKeepsModeAndContent) {
  TempDir dir;
  auto first = generateSelfSigned("a.example.com");
  auto second = generateSelfSigned("b.example.com");
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(storeKey(dir.path(), "site", first->key.get()).ok());
  ASSERT_TRUE(::chmod(dir.file("site.key").c_str(), 0644) == 0);  // someone loosened it
  auto again = storeKey(dir.path(), "site", second->key.get());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(modeOf(*again), 0600u);
  ASSERT_TRUE(storeCertificate(dir.path(), "site", *second).ok());
  auto loaded = loadPem({dir.file("site.crt"), dir.file("site.key"), "", ""});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(commonName(loaded->leaf.get()), "b.example.com");
}

TEST(KeyStore, ImportPfxWritesKeyAndChain) {
  TempDir dir;
  const Pki& pki = testPki();
  Issued leaf = issue({"lync.example.com", {"lync.example.com"}}, &pki.intermediate);
  writeText(dir.file("in.crt"), pemOf(leaf.cert.get()));
  writeText(dir.file("in.key"), pemOf(leaf.key.get()));
  writeText(dir.file("chain.pem"), pemOf(pki.intermediate.cert.get()));
  std::string cmd = "openssl pkcs12 -export -in " + dir.file("in.crt") + " -inkey " +
                    dir.file("in.key") + " -certfile " + dir.file("chain.pem") + " -out " +
                    dir.file("lync.pfx") + " -passout pass:pfxpass 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);

  auto stored = importPfx(dir.file("lync.pfx"), "pfxpass", dir.file("store"));
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(stored->key_path, dir.file("store/lync.key"));
  EXPECT_EQ(stored->certificate_path, dir.file("store/lync.crt"));
  EXPECT_EQ(modeOf(stored->key_path), 0600u);
  EXPECT_EQ(modeOf(stored->certificate_path), 0644u);
  auto loaded = loadPem({stored->certificate_path, stored->key_path, "", ""});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(commonName(loaded->leaf.get()), "lync.example.com");
  EXPECT_EQ(loaded->chain.size(), 1u);

  auto wrong = importPfx(dir.file("lync.pfx"), "nope", dir.file("store2"), "lync2");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().find("wrong password"), std::string::npos) << wrong.error();
  EXPECT_FALSE(std::filesystem::exists(dir.file("store2/lync2.key")));
}

TEST(KeyStore, NamesThatAreNotPlainFileNamesAreRefused) {
  TempDir dir;
  auto bundle = generateSelfSigned("x.example.com");
  ASSERT_TRUE(bundle.ok());
  for (const char* name : {"../etc/passwd", ".hidden", "", "a b", "a/b"}) {
    auto r = storeKey(dir.path(), name, bundle->key.get());
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.error().find(std::string("'") + name + "'"), std::string::npos) << r.error();
  }
  EXPECT_EQ(filesIn(dir.path()), 0u);
}

}  // namespace
}  // namespace vlb::l7::tls::test
