// compileService: TLS contexts and director of one L7 service.
#include "mgmt/l7/service_compile.h"

#include "l7/tls/cert_loader.h"
#include "l7/tls/cipher_presets.h"

namespace vlb::mgmt::l7 {

namespace tls = ::vlb::l7::tls;

namespace {

tls::CipherPreset presetOf(config::CipherPreset p) {
  return p == config::CipherPreset::kCompatible ? tls::CipherPreset::kCompatible
                                                : tls::CipherPreset::kModern;
}

Result<tls::CertificateBundle> loadCertificate(const config::Certificate& c) {
  const std::string where = "certificates \"" + c.name + "\": ";
  if (!c.pfx_file.empty()) {
    auto b = tls::loadPfx(c.pfx_file, c.password);
    if (!b) return fail(where + b.error());
    return std::move(*b);
  }
  tls::PemFiles files;
  files.certificate = c.cert_file;
  files.key = c.key_file;
  files.chain = c.chain_file;
  auto b = tls::loadPem(files);
  if (!b) return fail(where + b.error());
  return std::move(*b);
}

const config::Certificate* findCertificate(const config::Config& cfg, const std::string& name) {
  for (const auto& c : cfg.certificates)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<CompiledService>> compileService(const config::L7Service& service,
                                                        const config::Config& cfg,
                                                        SharedState& state,
                                                        const DirectorOptions& options) {
  const std::string where = "l7_services \"" + service.name + "\"";
  auto out = std::make_unique<CompiledService>();
  out->config = service;
  if (service.protocol == config::L7Protocol::kHttps) {
    tls::ServerConfig sc;
    sc.service = service.name;
    sc.self_signed_name = service.address.text;
    sc.preset = presetOf(service.ciphers);
    sc.ticket_keys = state.ticketKeys();
    for (size_t i = 0; i < service.certificates.size(); ++i) {
      const config::Certificate* c = findCertificate(cfg, service.certificates[i]);
      if (!c)
        return fail(where + ": certificates[" + std::to_string(i) + "] \"" + service.certificates[i] +
                    "\" is not in certificates");
      auto bundle = loadCertificate(*c);
      if (!bundle) return fail(where + ": " + bundle.error());
      sc.certificates.push_back(std::move(*bundle));
      out->certificate_names.push_back(c->name);
    }
    if (sc.certificates.empty()) out->certificate_names.push_back("");
    auto server = tls::ServerContext::create(std::move(sc));
    if (!server) return fail(where + ": " + server.error());
    out->server_tls = std::move(*server);
  } else if (!service.certificates.empty()) {
    return fail(where + ": certificates: an http service takes none");
  }
  if (service.reencrypt.enabled) {
    tls::ClientConfig cc;
    cc.name = where + " reencrypt";
    cc.preset = presetOf(service.ciphers);
    cc.verify = service.reencrypt.verify;
    cc.ca_file = service.reencrypt.ca_file;
    auto client = tls::ClientContext::create(std::move(cc));
    if (!client) return fail(where + ": reencrypt: " + client.error());
    out->upstream_tls = std::move(*client);
  }
  auto director = ServiceDirector::create(service, state, options);
  if (!director) return Error{director.error()};
  out->director = std::move(*director);
  return out;
}

}  // namespace vlb::mgmt::l7
