// PEM and PKCS#12 loading: find the leaf by its key, order the intermediates, explain failures.
#include "l7/tls/cert_loader.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "l7/tls/cert_names.h"
#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

// Opens `path` for reading; the error says which file and the operating system's reason.
Result<BioPtr> openFile(const std::string& path, const char* what) {
  if (path.empty()) return fail(std::string(what) + " file name is empty");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return fail(std::string("cannot read ") + what + " file " + path + ": " + std::strerror(errno));
  }
  BIO* bio = BIO_new_fp(f, BIO_CLOSE);
  if (bio == nullptr) {
    std::fclose(f);
    return fail(std::string("cannot read ") + what + " file " + path + ": out of memory");
  }
  return BioPtr(bio);
}

// True when the last error is only "no more PEM blocks", which ends every PEM read loop.
bool onlyEndOfPem() {
  unsigned long last = ERR_peek_last_error();
  bool end = last == 0 || ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (end) clearOpenSslError();
  return end;
}

Status readCertificates(const std::string& path, std::vector<X509Ptr>& out) {
  auto bio = openFile(path, "certificate");
  if (!bio) return fail(bio.error());
  clearOpenSslError();
  size_t before = out.size();
  while (X509* cert = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(cert);
  }
  if (!onlyEndOfPem()) {
    return fail("bad certificate in " + path + " (certificate " +
                std::to_string(out.size() - before + 1) + "): " + takeOpenSslError());
  }
  if (out.size() == before) return fail("no PEM certificate found in " + path);
  return Ok{};
}

// OpenSSL 3's decoders report a file without any key block as "unsupported"; look for one.
std::string fileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool mentionsPrivateKey(const std::string& path) {
  return fileText(path).find("PRIVATE KEY-----") != std::string::npos;
}

// PKCS#8 "ENCRYPTED PRIVATE KEY" or a traditional key with "Proc-Type: 4,ENCRYPTED".
bool isEncryptedKey(const std::string& path) {
  const std::string text = fileText(path);
  return text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
         text.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
}

int passwordCallback(char* buf, int size, int /*rwflag*/, void* user) {
  const auto* password = static_cast<const std::string*>(user);
  if (password->empty() || static_cast<int>(password->size()) > size) return 0;  // never prompt
  std::memcpy(buf, password->data(), password->size());
  return static_cast<int>(password->size());
}

Result<EvpPkeyPtr> readPrivateKey(const std::string& path, const std::string& password) {
  auto bio = openFile(path, "key");
  if (!bio) return fail(bio.error());
  // Said before OpenSSL tries: without a password, its decoders' errors vary.
  if (password.empty() && isEncryptedKey(path))
    return fail("cannot decrypt the private key in " + path +
                ": it is encrypted and no key password was given");
  clearOpenSslError();
  auto* pass = const_cast<std::string*>(&password);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio->get(), nullptr, passwordCallback, pass);
  if (key != nullptr) return EvpPkeyPtr(key);
  unsigned long last = ERR_peek_last_error();
  if (last == 0 || ERR_GET_REASON(last) == PEM_R_NO_START_LINE || !mentionsPrivateKey(path)) {
    clearOpenSslError();
    return fail("no PEM private key found in " + path);
  }
  std::string reason = takeOpenSslError();
  if (reason.find("bad decrypt") != std::string::npos ||
      reason.find("problems getting password") != std::string::npos) {
    return fail("cannot decrypt the private key in " + path +
                (password.empty() ? ": it is encrypted and no key password was given"
                                  : ": wrong key password"));
  }
  // A wrong password passes the padding check about once in 256 tries and then fails as
  // garbage that does not decode: for an encrypted key that is still most likely the password.
  if (isEncryptedKey(path))
    return fail("cannot decrypt the private key in " + path +
                ": wrong key password (or a damaged key: " + reason + ")");
  return fail("bad private key in " + path + ": " + reason);
}

// Pulls the certificate matching `key` out of `certs`; nullptr when none does.
X509Ptr takeLeaf(std::vector<X509Ptr>& certs, EVP_PKEY* key) {
  for (auto it = certs.begin(); it != certs.end(); ++it) {
    if (X509_check_private_key(it->get(), key) == 1) {
      X509Ptr leaf = std::move(*it);
      certs.erase(it);
      clearOpenSslError();
      return leaf;
    }
  }
  clearOpenSslError();
  return nullptr;
}

bool selfSigned(X509* cert) { return X509_check_issued(cert, cert) == X509_V_OK; }

// Orders `pool` into the chain above `leaf`; drops a self-signed root; warns about the rest.
std::vector<X509Ptr> orderChain(X509* leaf, std::vector<X509Ptr> pool, const std::string& source,
                                std::vector<std::string>& warnings) {
  std::vector<X509Ptr> chain;
  X509* current = leaf;
  while (!selfSigned(current) && !pool.empty()) {
    auto issuer = pool.begin();
    while (issuer != pool.end() && X509_check_issued(issuer->get(), current) != X509_V_OK) ++issuer;
    if (issuer == pool.end()) break;
    X509Ptr next = std::move(*issuer);
    pool.erase(issuer);
    current = next.get();
    if (selfSigned(current)) break;  // the root: clients have it, sending it only costs bytes
    chain.push_back(std::move(next));
  }
  for (const auto& stray : pool) {
    if (selfSigned(stray.get()) && X509_check_issued(stray.get(), current) == X509_V_OK) continue;
    warnings.push_back("certificate " + subjectLine(stray.get()) + " in " + source +
                       " is not part of the chain of " + subjectLine(leaf) + "; ignored");
  }
  return chain;
}

// OpenSSL's legacy provider (RC2, RC4, DES) for the length of one PKCS#12 decode. Loading any
// provider explicitly stops the default one from loading implicitly, so it is pinned too.
class LegacyAlgorithms {
 public:
  LegacyAlgorithms()
      : base_(OSSL_PROVIDER_load(nullptr, "default")),
        legacy_(OSSL_PROVIDER_load(nullptr, "legacy")) {}
  ~LegacyAlgorithms() {
    if (legacy_ != nullptr) OSSL_PROVIDER_unload(legacy_);
    if (base_ != nullptr) OSSL_PROVIDER_unload(base_);
  }
  LegacyAlgorithms(const LegacyAlgorithms&) = delete;
  LegacyAlgorithms& operator=(const LegacyAlgorithms&) = delete;

 private:
  OSSL_PROVIDER* base_;
  OSSL_PROVIDER* legacy_;
};

}  // namespace

KeyKind keyKindOf(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return KeyKind::kRsa;
    case EVP_PKEY_EC: return KeyKind::kEcdsa;
    default: return KeyKind::kOther;
  }
}

const char* keyKindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kRsa: return "RSA";
    case KeyKind::kEcdsa: return "ECDSA";
    case KeyKind::kOther: break;
  }
  return "other";
}

std::vector<std::string> validityWarnings(X509* leaf, const std::string& source,
                                          std::chrono::system_clock::time_point now) {
  std::vector<std::string> warnings;
  time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notAfter(leaf), &t) < 0) {
    warnings.push_back("certificate " + subjectLine(leaf) + " in " + source + " has expired");
  } else if (X509_cmp_time(X509_get0_notBefore(leaf), &t) > 0) {
    warnings.push_back("certificate " + subjectLine(leaf) + " in " + source +
                       " is not valid yet");
  }
  return warnings;
}

Result<CertificateBundle> loadPem(const PemFiles& files, std::chrono::system_clock::time_point now) {
  std::vector<X509Ptr> certs;
  if (auto s = readCertificates(files.certificate, certs); !s) return fail(s.error());
  if (!files.chain.empty()) {
    if (auto s = readCertificates(files.chain, certs); !s) return fail(s.error());
  }
  const std::string& key_path = files.key.empty() ? files.certificate : files.key;
  auto key = readPrivateKey(key_path, files.key_password);
  if (!key) return fail(key.error());

  CertificateBundle bundle;
  bundle.source = files.certificate;
  if (!files.key.empty()) bundle.source += " + " + files.key;
  bundle.leaf = takeLeaf(certs, key->get());
  if (!bundle.leaf) {
    return fail("the private key in " + key_path + " does not match the certificate " +
                subjectLine(certs.front().get()) + " in " + files.certificate);
  }
  bundle.key = std::move(*key);
  bundle.chain = orderChain(bundle.leaf.get(), std::move(certs), bundle.source, bundle.warnings);
  for (auto& w : validityWarnings(bundle.leaf.get(), bundle.source, now)) {
    bundle.warnings.push_back(std::move(w));
  }
  return bundle;
}

Result<CertificateBundle> loadPfx(const std::string& path, const std::string& password,
                                  std::chrono::system_clock::time_point now) {
  auto bio = openFile(path, "PKCS#12");
  if (!bio) return fail(bio.error());
  clearOpenSslError();
  Pkcs12Ptr p12(d2i_PKCS12_bio(bio->get(), nullptr));
  if (!p12) return fail(path + " is not a PKCS#12/PFX file: " + takeOpenSslError());

  if (PKCS12_mac_present(p12.get()) == 1) {
    bool mac_ok = PKCS12_verify_mac(p12.get(), password.c_str(), -1) == 1 ||
                  (password.empty() && PKCS12_verify_mac(p12.get(), nullptr, 0) == 1);
    clearOpenSslError();
    if (!mac_ok) return fail("wrong password for PKCS#12 file " + path);
  }

  EVP_PKEY* raw_key = nullptr;
  X509* raw_cert = nullptr;
  STACK_OF(X509)* raw_ca = nullptr;
  bool parsed = PKCS12_parse(p12.get(), password.c_str(), &raw_key, &raw_cert, &raw_ca) == 1;
  if (!parsed) {
    clearOpenSslError();
    LegacyAlgorithms legacy;  // RC2-40 and friends, as older Windows versions export
    parsed = PKCS12_parse(p12.get(), password.c_str(), &raw_key, &raw_cert, &raw_ca) == 1;
  }
  if (!parsed) return fail("cannot decrypt PKCS#12 file " + path + ": " + takeOpenSslError());
  EvpPkeyPtr key(raw_key);
  X509Ptr cert(raw_cert);
  X509StackPtr ca(raw_ca);
  if (!key) return fail("no private key in PKCS#12 file " + path);

  std::vector<X509Ptr> certs;
  if (cert) certs.push_back(std::move(cert));
  while (ca && sk_X509_num(ca.get()) > 0) certs.emplace_back(sk_X509_shift(ca.get()));
  if (certs.empty()) return fail("no certificate in PKCS#12 file " + path);

  CertificateBundle bundle;
  bundle.source = path;
  bundle.leaf = takeLeaf(certs, key.get());
  if (!bundle.leaf) {
    return fail("the private key in PKCS#12 file " + path + " does not match its certificate " +
                subjectLine(certs.front().get()));
  }
  bundle.key = std::move(key);
  bundle.chain = orderChain(bundle.leaf.get(), std::move(certs), path, bundle.warnings);
  for (auto& w : validityWarnings(bundle.leaf.get(), path, now)) {
    bundle.warnings.push_back(std::move(w));
  }
  return bundle;
}

}  // namespace vlb::l7::tls
