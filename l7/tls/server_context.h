// ServerContext: the TLS side of one HTTPS service. Holds its certificates, picks one by SNI
// (exact names, then "*.parent" wildcards, else the default = the first certificate) and lets
// OpenSSL choose between an RSA and an ECDSA certificate for the same names by what the client
// supports. Sessions resume through tickets from a TicketKeyRing; the stateful cache is off.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "l7/tls/cert_info.h"
#include "l7/tls/certificate.h"
#include "l7/tls/cipher_presets.h"
#include "l7/tls/ticket_keys.h"
#include "mgmt/common/result.h"

namespace vlb::l7::tls {

struct ServerConfig {
  std::string service;                          // names the service in errors
  std::vector<CertificateBundle> certificates;  // the first one is the default
  std::string self_signed_name;                 // used to generate one when `certificates` is empty
  CipherPreset preset = CipherPreset::kModern;
  std::shared_ptr<TicketKeyRing> ticket_keys;   // share one across services and commits; null: own
};

class ServerContext {
 public:
  // Fails (naming the service, certificate and name) when: no certificate and no name to generate
  // one; a key other than RSA/ECDSA; two certificates of the same key type claim one name.
  static Result<std::shared_ptr<ServerContext>> create(ServerConfig config);
  ~ServerContext();
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  // For SSL_new() on accepted connections. The SNI callback may switch the SSL to another of this
  // service's contexts, so this object must outlive every SSL made from it (hold the shared_ptr).
  SSL_CTX* acceptContext() const { return slots_[default_slot_].ctx.get(); }

  // The context a client sending `sni` gets ("" = no SNI).
  SSL_CTX* contextFor(std::string_view sni) const;

  std::vector<CertificateInfo> certificates(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  const std::vector<std::string>& warnings() const { return warnings_; }
  TicketKeyRing& ticketKeys() const { return *ticket_keys_; }
  const std::string& service() const { return service_; }

 private:
  struct Slot {
    int rsa = -1;    // index into certs_
    int ecdsa = -1;
    SslCtxPtr ctx;
  };

  ServerContext() = default;
  Status assignNames();
  Status buildSlot(Slot& slot, CipherPreset preset);
  size_t slotFor(int rsa, int ecdsa);
  static int onServerName(SSL* ssl, int* alert, void* arg);

  std::string service_;
  std::vector<CertificateBundle> certs_;
  std::vector<std::string> warnings_;
  std::shared_ptr<TicketKeyRing> ticket_keys_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, size_t> slot_by_name_;  // exact or "*.parent" -> slots_ index
  size_t default_slot_ = 0;
};

}  // namespace vlb::l7::tls
