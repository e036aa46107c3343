// Which real serves a request: the persistence cookie first, then the client's source network,
// then the pool's scheduler, as the service's persistence mode says. A persisted real that is
// down or no longer in the pool is replaced by a scheduled one and the persistence is updated.
//
//   Selector sel(config, &pool, &codec, &source_table);    // per service, at commit
//   Selection s = sel.select({findCookie(head.fields, name), &client, steady_now, unix_now});
//   if (s.real == kNoReal) -> 503;  if (s.set_cookie) -> add "Set-Cookie: " + *s.set_cookie
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "l7/balance/client_address.h"
#include "l7/balance/cookie_codec.h"
#include "l7/balance/cookie_header.h"
#include "l7/balance/pool.h"
#include "l7/balance/source_persistence.h"
#include "mgmt/common/result.h"

namespace vlb::l7::balance {

enum class PersistMode : uint8_t { kNone, kCookie, kSource, kCookieThenSource };
enum class PersistHit : uint8_t { kNone, kCookie, kSource };

std::string_view persistModeName(PersistMode m);
std::string_view persistHitName(PersistHit h);  // "none", "cookie", "source" (access log)

struct SelectorConfig {
  PersistMode mode = PersistMode::kNone;
  std::string service_id;   // bound into the cookie's MAC: a cookie works for one service only
  CookieAttributes cookie;  // name and attributes; max_age also sets the value's expiry
};

struct SelectRequest {
  std::optional<std::string_view> cookie;  // the value of our cookie, when the client sent one
  const ClientAddress* client = nullptr;   // needed for source persistence
  SteadyTime now{};
  int64_t unix_now = 0;  // wall clock, for cookie expiry
};

struct Selection {
  uint32_t real = kNoReal;  // index into the pool; kNoReal: no real available (answer 503)
  PersistHit hit = PersistHit::kNone;
  bool replaced = false;         // a persisted real was down or gone; a new one was chosen
  bool cookie_rejected = false;  // a cookie came but was forged, foreign, damaged or expired
  std::optional<std::string> set_cookie;  // Set-Cookie value to add to the response
};

class Selector {
 public:
  // The codec is needed for the cookie modes, the table for the source modes; both outlive the
  // selector. Errors name the missing piece or the bad cookie attribute.
  static Result<Selector> create(SelectorConfig config, Pool* pool, const CookieCodec* codec,
                                 SourcePersistence* source);

  Selection select(const SelectRequest& request) const;

 private:
  Selector() = default;
  std::string cookieFor(uint32_t index, int64_t unix_now) const;
  bool usesCookie() const;
  bool usesSource() const;

  SelectorConfig config_;
  Pool* pool_ = nullptr;
  const CookieCodec* codec_ = nullptr;
  SourcePersistence* source_ = nullptr;
};

}  // namespace vlb::l7::balance
