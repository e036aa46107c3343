// Atomic PEM writes for keys and certificates, and importing PKCS#12 files into the store.
#include "l7/tls/key_store.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "l7/tls/cert_loader.h"
#include "l7/tls/openssl_error.h"

namespace vlb::l7::tls {
namespace {

std::string osError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Status writeAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(osError("cannot write", path));
    done += static_cast<size_t>(n);
  }
  return Ok{};
}

Status syncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(osError("cannot open directory", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return fail(osError("cannot fsync directory", dir));
  return Ok{};
}

Status ensureDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Ok{};
    return fail("key store " + dir + " exists and is not a directory");
  }
  return fail(osError("cannot create key store directory", dir));
}

Result<std::string> pemOf(int (*write)(BIO*, void*), void* object, const std::string& what) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  if (!mem || write(mem.get(), object) != 1) {
    return fail("cannot encode " + what + " as PEM: " + takeOpenSslError());
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

int writeKey(BIO* bio, void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(key), nullptr, nullptr, 0, nullptr,
                                  nullptr);
}

int writeCert(BIO* bio, void* cert) { return PEM_write_bio_X509(bio, static_cast<X509*>(cert)); }

}  // namespace

Status writeFileAtomically(const std::string& path, const std::string& data, mode_t mode) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return fail(osError("cannot create", temp));
  Status written = writeAll(fd, data, temp);
  if (written && ::fchmod(fd, mode) != 0) written = fail(osError("cannot chmod", temp));  // umask
  if (written && ::fsync(fd) != 0) written = fail(osError("cannot fsync", temp));
  ::close(fd);
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = fail(osError("cannot rename " + temp + " to", path));
  }
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  return syncDirectory(dir);
}

Status checkStoreName(const std::string& name) {
  bool good = !name.empty() && name.size() <= 128 && name.front() != '.';
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_';
    good = good && allowed;
  }
  if (!good) {
    return fail("certificate name '" + name +
                "' is not a plain file name (letters, digits, '.', '-', '_'; not starting with '.')");
  }
  return Ok{};
}

Result<std::string> storeKey(const std::string& dir, const std::string& name, EVP_PKEY* key) {
  if (auto s = checkStoreName(name); !s) return fail(s.error());
  if (auto s = ensureDirectory(dir); !s) return fail(s.error());
  auto pem = pemOf(writeKey, key, "private key " + name);
  if (!pem) return fail(pem.error());
  std::string path = dir + "/" + name + ".key";
  if (auto s = writeFileAtomically(path, *pem, 0600); !s) return fail(s.error());
  return path;
}

Result<std::string> storeCertificate(const std::string& dir, const std::string& name,
                                     const CertificateBundle& bundle) {
  if (auto s = checkStoreName(name); !s) return fail(s.error());
  if (auto s = ensureDirectory(dir); !s) return fail(s.error());
  auto pem = pemOf(writeCert, bundle.leaf.get(), "certificate " + name);
  if (!pem) return fail(pem.error());
  std::string text = std::move(*pem);
  for (const auto& ca : bundle.chain) {
    auto more = pemOf(writeCert, ca.get(), "chain of certificate " + name);
    if (!more) return fail(more.error());
    text += *more;
  }
  std::string path = dir + "/" + name + ".crt";
  if (auto s = writeFileAtomically(path, text, 0644); !s) return fail(s.error());
  return path;
}

Result<StoredCertificate> importPfx(const std::string& pfx_path, const std::string& password,
                                    const std::string& dir, const std::string& name) {
  std::string stored_name = name.empty() ? std::filesystem::path(pfx_path).stem().string() : name;
  if (auto s = checkStoreName(stored_name); !s) return fail(s.error());
  auto bundle = loadPfx(pfx_path, password);
  if (!bundle) return fail(bundle.error());
  // Certificate first: a key file without its certificate is the worse half to leave behind.
  auto cert_path = storeCertificate(dir, stored_name, *bundle);
  if (!cert_path) return fail(cert_path.error());
  auto key_path = storeKey(dir, stored_name, bundle->key.get());
  if (!key_path) return fail(key_path.error());
  return StoredCertificate{*cert_path, *key_path, std::move(*bundle)};
}

}  // namespace vlb::l7::tls
