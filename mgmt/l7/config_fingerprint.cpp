// l7Fingerprint: every L7-relevant config field, length-prefixed, in one string.
#include "mgmt/l7/config_fingerprint.h"

namespace vlb::mgmt::l7 {
namespace {

class Writer {
 public:
  Writer& operator<<(const std::string& s) {
    out_ += std::to_string(s.size());
    out_ += ':';
    out_ += s;
    return *this;
  }
  Writer& operator<<(uint64_t v) { return *this << std::to_string(v); }
  Writer& operator<<(bool v) { return *this << uint64_t(v); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void action(Writer& w, const config::RuleAction& a) {
  w << uint64_t(a.kind) << a.pool << uint64_t(a.status) << a.location << a.content_type << a.body;
}

void check(Writer& w, const std::optional<config::HealthCheck>& c) {
  w << c.has_value();
  if (!c) return;
  w << uint64_t(c->type) << uint64_t(c->port) << c->url << c->host << c->expect_text << c->body
    << c->header << c->verify << c->ca_file << uint64_t(c->interval_s) << uint64_t(c->timeout_s)
    << uint64_t(c->rise) << uint64_t(c->fall) << uint64_t(c->method);
}

void service(Writer& w, const config::L7Service& s, bool directors) {
  w << s.name << s.address.text << uint64_t(s.port) << uint64_t(s.protocol) << uint64_t(s.ciphers);
  w << uint64_t(s.certificates.size());
  for (const auto& c : s.certificates) w << c;
  w << s.reencrypt.enabled << s.reencrypt.verify << s.reencrypt.ca_file;
  w << s.x_forwarded << s.transparent << uint64_t(s.timeouts.connect_s) << uint64_t(s.timeouts.server_s)
    << uint64_t(s.timeouts.client_s) << s.max_request_body << s.access_log;
  if (!directors) return;
  w << s.reencrypt.sni;
  w << uint64_t(s.pools.size());
  for (const auto& p : s.pools) {
    w << p.name << uint64_t(p.scheduler) << uint64_t(p.reals.size());
    for (const auto& r : p.reals)
      w << r.address.text << uint64_t(r.port) << uint64_t(r.weight) << uint64_t(r.state);
    check(w, p.check);
  }
  w << uint64_t(s.persistence.mode) << s.persistence.cookie << uint64_t(s.persistence.prefix_length)
    << uint64_t(s.persistence.timeout_s);
  w << uint64_t(s.rules.size());
  for (const auto& r : s.rules) {
    const auto& m = r.match;
    w << r.name << m.host << m.host_wildcard << m.host_regex << m.path_prefix << m.path_regex;
    w << uint64_t(m.methods.size());
    for (const auto& x : m.methods) w << x;
    w << m.header.has_value();
    if (m.header) w << m.header->name << uint64_t(m.header->kind) << m.header->pattern;
    action(w, r.action);
  }
  action(w, s.default_action);
  w << uint64_t(s.location_hosts.size());
  for (const auto& [k, v] : s.location_hosts) w << k << v;
  w << uint64_t(s.cookie_domains.size());
  for (const auto& [k, v] : s.cookie_domains) w << k << v;
}

std::string fingerprint(const config::Config& cfg, bool directors) {
  Writer w;
  w << uint64_t(cfg.certificates.size());
  for (const auto& c : cfg.certificates)
    w << c.name << c.cert_file << c.key_file << c.chain_file << c.pfx_file << c.password;
  w << uint64_t(cfg.l7_services.size());
  for (const auto& s : cfg.l7_services) service(w, s, directors);
  return w.take();
}

}  // namespace

std::string l7Fingerprint(const config::Config& cfg) { return fingerprint(cfg, true); }

std::string l7ListenerFingerprint(const config::Config& cfg) { return fingerprint(cfg, false); }

}  // namespace vlb::mgmt::l7
