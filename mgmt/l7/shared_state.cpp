// SharedState: the L7 runtime's state that outlives configuration generations.
#include "mgmt/l7/shared_state.h"

#include <openssl/rand.h>

namespace vlb::mgmt::l7 {

namespace balance = ::vlb::l7::balance;
namespace accesslog = ::vlb::l7::accesslog;

Result<std::unique_ptr<SharedState>> SharedState::create(std::string cookie_secret) {
  if (cookie_secret.empty()) {
    cookie_secret.resize(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(cookie_secret.data()), 32) != 1)
      return fail("l7: cannot draw the persistence cookie secret from the random generator");
  }
  auto codec = balance::CookieCodec::create(cookie_secret);
  if (!codec) return fail("l7: persistence cookie secret: " + codec.error());
  std::unique_ptr<SharedState> s(new SharedState);
  s->codec_ = std::make_unique<balance::CookieCodec>(std::move(*codec));
  s->tickets_ = std::make_shared<::vlb::l7::tls::TicketKeyRing>(std::chrono::hours(1));
  return s;
}

uint32_t SharedState::realId(const std::string& identity) {
  auto [it, added] = real_ids_.try_emplace(identity, uint32_t(real_ids_.size() + 1));
  return it->second;
}

::vlb::l7::proxy::RealCounters* SharedState::realCounters(const std::string& service,
                                                          const std::string& pool,
                                                          const std::string& identity) {
  auto& slot = real_counters_[service + "/" + pool + "/" + identity];
  if (!slot) slot = std::make_unique<::vlb::l7::proxy::RealCounters>();
  return slot.get();
}

std::shared_ptr<balance::SourcePersistence> SharedState::sourceTable(
    const std::string& service, const balance::SourcePersistenceConfig& config) {
  SourceEntry& e = source_tables_[service];
  if (!e.table || e.v4_prefix != config.v4_prefix || e.timeout != config.timeout) {
    auto table = balance::SourcePersistence::create(config);
    if (!table) return nullptr;  // ServiceDirector::buildPools validated the config first
    e = {config.v4_prefix, config.timeout, std::shared_ptr<balance::SourcePersistence>(std::move(*table))};
  }
  return e.table;
}

void SharedState::pruneSourceTables(const std::set<std::string>& keep) {
  for (auto it = source_tables_.begin(); it != source_tables_.end();)
    it = keep.count(it->first) ? std::next(it) : source_tables_.erase(it);
}

std::vector<std::shared_ptr<balance::SourcePersistence>> SharedState::sourceTables() const {
  std::vector<std::shared_ptr<balance::SourcePersistence>> out;
  for (const auto& [name, e] : source_tables_)
    if (e.table) out.push_back(e.table);
  return out;
}

Result<std::shared_ptr<accesslog::AccessLog>> SharedState::accessLog(const std::string& path,
                                                                     unsigned slots) {
  LogEntry& e = logs_[path];
  if (auto live = e.log.lock(); live && e.slots >= slots) return live;
  accesslog::AccessLogOptions options;
  options.slots = slots;
  auto opened = accesslog::AccessLog::open(path, options);
  if (!opened) return fail("access_log \"" + path + "\": " + opened.error());
  std::shared_ptr<accesslog::AccessLog> log(std::move(*opened));
  e = {slots, log};
  return log;
}

Status SharedState::reopenLogs() {
  Status first = Ok{};
  for (auto it = logs_.begin(); it != logs_.end();) {
    auto live = it->second.log.lock();
    if (!live) {
      it = logs_.erase(it);
      continue;
    }
    if (Status st = live->reopen(); !st && first) first = fail("access_log \"" + it->first + "\": " + st.error());
    ++it;
  }
  return first;
}

void SharedState::setDown(const std::string& service, const std::string& identity, bool down) {
  if (down)
    down_.insert({service, identity});
  else
    down_.erase({service, identity});
}

bool SharedState::isDown(const std::string& service, const std::string& identity) const {
  return down_.count({service, identity}) != 0;
}

}  // namespace vlb::mgmt::l7
