// Persistence then scheduling.
#include "l7/balance/selector.h"

namespace vlb::l7::balance {

std::string_view persistModeName(PersistMode m) {
  switch (m) {
    case PersistMode::kNone:
      return "none";
    case PersistMode::kCookie:
      return "cookie";
    case PersistMode::kSource:
      return "source";
    case PersistMode::kCookieThenSource:
      return "cookie-then-source";
  }
  return "?";
}

std::string_view persistHitName(PersistHit h) {
  switch (h) {
    case PersistHit::kNone:
      return "none";
    case PersistHit::kCookie:
      return "cookie";
    case PersistHit::kSource:
      return "source";
  }
  return "?";
}

Result<Selector> Selector::create(SelectorConfig config, Pool* pool, const CookieCodec* codec,
                                  SourcePersistence* source) {
  const std::string where = "service \"" + config.service_id + "\": ";
  if (pool == nullptr) return fail(where + "no pool");
  Selector s;
  s.config_ = std::move(config);
  s.pool_ = pool;
  if (s.usesCookie()) {
    if (codec == nullptr) return fail(where + "cookie persistence needs the appliance secret");
    if (Status v = validateCookieAttributes(s.config_.cookie); !v) return fail(where + v.error());
    s.codec_ = codec;
  }
  if (s.usesSource()) {
    if (source == nullptr) return fail(where + "source persistence needs its table");
    s.source_ = source;
  }
  return s;
}

bool Selector::usesCookie() const {
  return config_.mode == PersistMode::kCookie || config_.mode == PersistMode::kCookieThenSource;
}

bool Selector::usesSource() const {
  return config_.mode == PersistMode::kSource || config_.mode == PersistMode::kCookieThenSource;
}

std::string Selector::cookieFor(uint32_t index, int64_t unix_now) const {
  CookieClaim claim{pool_->idOf(index), 0};
  if (config_.cookie.max_age) claim.expiry = uint32_t(unix_now + *config_.cookie.max_age);
  return buildSetCookie(config_.cookie, codec_->encode(config_.service_id, claim));
}

Selection Selector::select(const SelectRequest& req) const {
  Selection s;
  if (usesCookie() && req.cookie) {
    const auto claim = codec_->verify(*req.cookie, config_.service_id, req.unix_now);
    if (!claim) {
      s.cookie_rejected = true;
    } else if (const uint32_t i = pool_->indexOf(claim->real_id); i != kNoReal && pool_->isUp(i)) {
      s.real = i;
      s.hit = PersistHit::kCookie;
      // A cookie with an expiry is renewed once half its lifetime has passed.
      const uint32_t max_age = config_.cookie.max_age.value_or(0);
      // So is one made with the previous secret, so that the old secret can be retired.
      if (claim->previous_secret ||
          (claim->expiry != 0 && int64_t(claim->expiry) - req.unix_now < int64_t(max_age / 2)))
        s.set_cookie = cookieFor(i, req.unix_now);
      return s;
    } else {
      s.replaced = true;
    }
  }
  if (usesSource() && req.client != nullptr) {
    if (const auto id = source_->lookup(*req.client, req.now)) {
      const uint32_t i = pool_->indexOf(*id);
      if (i != kNoReal && pool_->isUp(i)) {
        s.real = i;
        s.hit = PersistHit::kSource;
        if (usesCookie()) s.set_cookie = cookieFor(i, req.unix_now);
        return s;
      }
      s.replaced = true;
    }
  }
  s.real = pool_->pick();
  if (s.real == kNoReal) return s;
  if (usesSource() && req.client != nullptr)
    source_->remember(*req.client, pool_->idOf(s.real), req.now);
  if (usesCookie()) s.set_cookie = cookieFor(s.real, req.unix_now);
  return s;
}

}  // namespace vlb::l7::balance
