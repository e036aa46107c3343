// UpstreamSessionCache: the last resumable TLS session per (upstream endpoint, SNI), so the proxy's
// re-encrypted connections to a real server resume instead of doing a full handshake each time.
// Thread-safe; bounded (when full, an arbitrary entry is dropped).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "l7/tls/openssl_ptr.h"

namespace vlb::l7::tls {

class UpstreamSessionCache {
 public:
  explicit UpstreamSessionCache(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // "192.0.2.10:443" + "mail.example.com" -> the cache key.
  static std::string keyFor(std::string_view endpoint, std::string_view sni);

  SslSessionPtr get(const std::string& key) const;   // a new reference, or null
  void put(const std::string& key, SSL_SESSION* session);  // takes its own reference
  void erase(const std::string& key);                 // e.g. after a failed handshake
  size_t size() const;

 private:
  const size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, SslSessionPtr> sessions_;
};

}  // namespace vlb::l7::tls
