// Building a service's SSL_CTXs: one per distinct (RSA certificate, ECDSA certificate) pair that
// some name maps to, all with the same preset, session id context and ticket keys.
#include "l7/tls/server_context.h"

#include <openssl/evp.h>

#include <map>
#include <utility>

#include "l7/tls/cert_names.h"
#include "l7/tls/openssl_error.h"
#include "l7/tls/self_signed.h"

namespace vlb::l7::tls {
namespace {

struct NamePair {
  int rsa = -1;
  int ecdsa = -1;
};

// The session id context ties sessions and tickets to this service: a ticket from one service is
// not resumed on another that shares the ring.
std::vector<unsigned char> sessionIdContext(const std::string& service) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string input = "vlb-tls-service:" + service;
  EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr);
  return std::vector<unsigned char>(md, md + std::min<unsigned>(len, SSL_MAX_SID_CTX_LENGTH));
}

}  // namespace

ServerContext::~ServerContext() = default;

Result<std::shared_ptr<ServerContext>> ServerContext::create(ServerConfig config) {
  std::shared_ptr<ServerContext> self(new ServerContext());
  self->service_ = config.service;
  self->certs_ = std::move(config.certificates);
  if (self->certs_.empty()) {
    if (config.self_signed_name.empty()) {
      return fail("service " + config.service +
                  ": no certificate configured and no name to generate a self-signed one for");
    }
    auto generated = generateSelfSigned(config.self_signed_name);
    if (!generated) return fail("service " + config.service + ": " + generated.error());
    self->certs_.push_back(std::move(*generated));
  }
  for (size_t i = 0; i < self->certs_.size(); ++i) {
    if (!self->certs_[i].leaf || !self->certs_[i].key) {
      return fail("service " + config.service + ": certificate " + std::to_string(i + 1) +
                  " has no certificate or no key loaded");
    }
  }
  for (const auto& cert : self->certs_) {
    for (const auto& w : cert.warnings) {
      self->warnings_.push_back("service " + config.service + ": " + w);
    }
  }
  self->ticket_keys_ =
      config.ticket_keys ? std::move(config.ticket_keys) : std::make_shared<TicketKeyRing>();
  if (auto s = self->assignNames(); !s) return fail(s.error());
  for (auto& slot : self->slots_) {
    if (auto s = self->buildSlot(slot, config.preset); !s) return fail(s.error());
  }
  return self;
}

size_t ServerContext::slotFor(int rsa, int ecdsa) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].rsa == rsa && slots_[i].ecdsa == ecdsa) return i;
  }
  slots_.push_back(Slot{rsa, ecdsa, nullptr});
  return slots_.size() - 1;
}

Status ServerContext::assignNames() {
  std::map<std::string, NamePair> pairs;  // ordered: deterministic slot numbering
  for (size_t i = 0; i < certs_.size(); ++i) {
    const CertificateBundle& cert = certs_[i];
    KeyKind kind = keyKindOf(cert.key.get());
    if (kind == KeyKind::kOther) {
      return fail("service " + service_ + ": certificate " + subjectLine(cert.leaf.get()) + " (" +
                  cert.source + ") has a " + EVP_PKEY_get0_type_name(cert.key.get()) +
                  " key; only RSA and ECDSA keys are supported");
    }
    for (const std::string& name : serverNames(cert.leaf.get())) {
      NamePair& pair = pairs[name];
      int& holder = kind == KeyKind::kRsa ? pair.rsa : pair.ecdsa;
      if (holder >= 0) {
        return fail("service " + service_ + ": certificates " + certs_[holder].source + " and " +
                    cert.source + " both serve name '" + name + "' with an " + keyKindName(kind) +
                    " key; remove one or give them different names");
      }
      holder = static_cast<int>(i);
    }
  }
  // The default: the first certificate, with its partner of the other key type for its first name.
  const std::vector<std::string> first_names = serverNames(certs_[0].leaf.get());
  NamePair fallback;
  if (!first_names.empty()) fallback = pairs[first_names.front()];
  if (keyKindOf(certs_[0].key.get()) == KeyKind::kRsa) fallback.rsa = 0; else fallback.ecdsa = 0;
  default_slot_ = slotFor(fallback.rsa, fallback.ecdsa);
  for (const auto& [name, pair] : pairs) slot_by_name_[name] = slotFor(pair.rsa, pair.ecdsa);
  return Ok{};
}

Status ServerContext::buildSlot(Slot& slot, CipherPreset preset) {
  const std::string role = "service " + service_;
  clearOpenSslError();
  slot.ctx.reset(SSL_CTX_new(TLS_server_method()));
  if (!slot.ctx) return fail(role + ": cannot create SSL_CTX: " + takeOpenSslError());
  SSL_CTX* ctx = slot.ctx.get();
  if (auto s = applyCipherPreset(ctx, preset, role); !s) return s;
  const auto sid = sessionIdContext(service_);
  // Tickets only: one ring shared by all workers, nothing per session kept in memory.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_session_id_context(ctx, sid.data(), static_cast<unsigned>(sid.size()));
  ticket_keys_->install(ctx);
  SSL_CTX_set_tlsext_servername_callback(ctx, onServerName);
  SSL_CTX_set_tlsext_servername_arg(ctx, this);
  for (int index : {slot.ecdsa, slot.rsa}) {
    if (index < 0) continue;
    CertificateBundle& cert = certs_[static_cast<size_t>(index)];
    X509StackPtr chain(sk_X509_new_null());
    for (const auto& ca : cert.chain) sk_X509_push(chain.get(), ca.get());  // borrowed: copied below
    bool ok = SSL_CTX_use_cert_and_key(ctx, cert.leaf.get(), cert.key.get(), chain.get(), 1) == 1;
    sk_X509_zero(chain.get());  // we pushed borrowed pointers; do not free them with the stack
    if (!ok) {
      return fail(role + ": cannot use certificate " + subjectLine(cert.leaf.get()) + " (" +
                  cert.source + "): " + takeOpenSslError());
    }
  }
  return Ok{};
}

SSL_CTX* ServerContext::contextFor(std::string_view sni) const {
  if (sni.empty()) return acceptContext();
  std::string name = normaliseHostName(sni);
  auto exact = slot_by_name_.find(name);
  if (exact != slot_by_name_.end()) return slots_[exact->second].ctx.get();
  std::string wildcard = wildcardFor(name);
  if (!wildcard.empty()) {
    auto wild = slot_by_name_.find(wildcard);
    if (wild != slot_by_name_.end()) return slots_[wild->second].ctx.get();
  }
  return acceptContext();
}

int ServerContext::onServerName(SSL* ssl, int* /*alert*/, void* arg) {
  const auto* self = static_cast<const ServerContext*>(arg);
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  SSL_CTX* wanted = self->contextFor(sni != nullptr ? sni : "");
  if (wanted != SSL_get_SSL_CTX(ssl)) SSL_set_SSL_CTX(ssl, wanted);
  return SSL_TLSEXT_ERR_OK;  // unknown names get the default certificate, never an alert
}

std::vector<CertificateInfo> ServerContext::certificates(
    std::chrono::system_clock::time_point now) const {
  std::vector<CertificateInfo> out;
  out.reserve(certs_.size());
  for (const auto& cert : certs_) out.push_back(describeCertificate(cert, now));
  return out;
}

}  // namespace vlb::l7::tls
