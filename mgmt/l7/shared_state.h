// What the L7 runtime keeps across configuration generations: the appliance's cookie secret and
// session-ticket keys, stable real ids (persistence cookies and tables name reals by id), per-real
// counters (the engine keeps pointers to them), source-persistence tables per service, open access
// logs per path, and the health verdicts. Control thread only, except where noted.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "l7/accesslog/access_log.h"
#include "l7/balance/cookie_codec.h"
#include "l7/balance/source_persistence.h"
#include "l7/proxy/counters.h"
#include "l7/tls/ticket_keys.h"
#include "mgmt/common/result.h"

namespace vlb::mgmt::l7 {

class SharedState {
 public:
  // `cookie_secret`: empty = 32 random bytes.
  static Result<std::unique_ptr<SharedState>> create(std::string cookie_secret = {});

  const ::vlb::l7::balance::CookieCodec& cookieCodec() const { return *codec_; }
  const std::shared_ptr<::vlb::l7::tls::TicketKeyRing>& ticketKeys() const { return tickets_; }

  // The id of real "address:port", the same for as long as this state lives.
  uint32_t realId(const std::string& identity);
  // Counters of one real of one pool of one service; never freed (the engine may hold them).
  ::vlb::l7::proxy::RealCounters* realCounters(const std::string& service, const std::string& pool,
                                               const std::string& identity);
  // The service's source table, kept when its prefix and timeout are unchanged.
  std::shared_ptr<::vlb::l7::balance::SourcePersistence> sourceTable(
      const std::string& service, const ::vlb::l7::balance::SourcePersistenceConfig& config);
  // Forgets the tables of services not in `keep`.
  void pruneSourceTables(const std::set<std::string>& keep);
  // Every live source table (housekeeping).
  std::vector<std::shared_ptr<::vlb::l7::balance::SourcePersistence>> sourceTables() const;

  // The access log of `path`, shared by the generations that write it.
  Result<std::shared_ptr<::vlb::l7::accesslog::AccessLog>> accessLog(const std::string& path,
                                                                    unsigned slots);
  // Reopens every open access log (rotation); the first error is returned, all are tried.
  Status reopenLogs();

  // Health verdicts by (service, real identity); absent = up.
  void setDown(const std::string& service, const std::string& identity, bool down);
  bool isDown(const std::string& service, const std::string& identity) const;

 private:
  SharedState() = default;
  struct SourceEntry {
    uint8_t v4_prefix = 0;
    std::chrono::seconds timeout{0};
    std::shared_ptr<::vlb::l7::balance::SourcePersistence> table;
  };
  struct LogEntry {
    unsigned slots = 0;
    std::weak_ptr<::vlb::l7::accesslog::AccessLog> log;
  };

  std::unique_ptr<::vlb::l7::balance::CookieCodec> codec_;
  std::shared_ptr<::vlb::l7::tls::TicketKeyRing> tickets_;
  std::map<std::string, uint32_t> real_ids_;
  std::map<std::string, std::unique_ptr<::vlb::l7::proxy::RealCounters>> real_counters_;
  std::map<std::string, SourceEntry> source_tables_;
  std::map<std::string, LogEntry> logs_;
  std::set<std::pair<std::string, std::string>> down_;
};

}  // namespace vlb::mgmt::l7
