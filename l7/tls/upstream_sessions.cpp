// The per-endpoint upstream session cache.
#include "l7/tls/upstream_sessions.h"

namespace vlb::l7::tls {

std::string UpstreamSessionCache::keyFor(std::string_view endpoint, std::string_view sni) {
  std::string key(endpoint);
  key += '/';
  key += sni;
  return key;
}

SslSessionPtr UpstreamSessionCache::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return nullptr;
  SSL_SESSION_up_ref(it->second.get());
  return SslSessionPtr(it->second.get());
}

void UpstreamSessionCache::put(const std::string& key, SSL_SESSION* session) {
  if (session == nullptr || SSL_SESSION_is_resumable(session) != 1) return;
  SSL_SESSION_up_ref(session);
  SslSessionPtr owned(session);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    it->second = std::move(owned);
    return;
  }
  if (max_entries_ == 0) return;
  if (sessions_.size() >= max_entries_) sessions_.erase(sessions_.begin());
  sessions_.emplace(key, std::move(owned));
}

void UpstreamSessionCache::erase(const std::string& key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

size_t UpstreamSessionCache::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace vlb::l7::tls
