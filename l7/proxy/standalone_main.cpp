// vlb-l7-proxy: the proxy engine on its own, for side-by-side runs against HAProxy and nginx
// (perf/l7/compare) and for trying it by hand. Round robin over static upstreams.
//
//   vlb-l7-proxy --listen 127.0.0.1:8080 --upstream 127.0.0.1:9000 --upstream 127.0.0.1:9001
//                [--cert c.pem --key k.pem] [--upstream-tls] [--workers 2] [--access-log f]
//                [--no-tls-resumption]
//
// SIGINT/SIGTERM stop (draining), SIGHUP reopens the access log.
#include <openssl/ssl.h>
#include <signal.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "l7/accesslog/access_log.h"
#include "l7/proxy/director.h"
#include "l7/proxy/engine.h"
#include "l7/proxy/socket_util.h"
#include "l7/tls/client_context.h"

namespace po = boost::program_options;
using namespace vlb::l7::proxy;

namespace {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

vlb::Result<HostPort> splitHostPort(const std::string& what, const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 == s.size())
    return vlb::fail(what + ": '" + s + "' is not ADDRESS:PORT");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const unsigned long port = std::strtoul(s.c_str() + colon + 1, nullptr, 10);
  if (port == 0 || port > 65535) return vlb::fail(what + ": bad port in '" + s + "'");
  return HostPort{host, uint16_t(port)};
}

class RoundRobinDirector : public Director {
 public:
  explicit RoundRobinDirector(std::vector<Endpoint> reals) : reals_(std::move(reals)) {
    for (size_t i = 0; i < reals_.size(); ++i) {
      counters_.push_back(std::make_unique<RealCounters>());
      reals_[i].counters = counters_.back().get();
      reals_[i].real_id = i;
    }
  }
  Decision route(const RequestInfo&) override {
    Decision d;
    d.kind = Decision::Kind::kForward;
    d.upstream = reals_[next_.fetch_add(1, std::memory_order_relaxed) % reals_.size()];
    return d;
  }

 private:
  std::vector<Endpoint> reals_;
  std::vector<std::unique_ptr<RealCounters>> counters_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("vlb-l7-proxy options");
  std::string listen, cert, key, access_log_path;
  std::vector<std::string> upstreams;
  unsigned workers = 1;
  bool upstream_tls = false;
  bool no_resumption = false;
  bool no_x_forwarded = false;
  opts.add_options()("help,h", "this text")("listen", po::value(&listen)->required(),
                                            "ADDRESS:PORT to accept clients on")(
      "upstream", po::value(&upstreams)->composing()->required(),
      "ADDRESS:PORT of a real server (repeat for more; round robin)")(
      "cert", po::value(&cert), "PEM certificate chain: accept TLS")("key", po::value(&key),
                                                                     "PEM private key for --cert")(
      "upstream-tls", po::bool_switch(&upstream_tls), "re-encrypt to the reals (no verification)")(
      "no-tls-resumption", po::bool_switch(&no_resumption),
      "no session tickets or cache: every TLS handshake is a full one (benchmarks)")(
      "no-x-forwarded", po::bool_switch(&no_x_forwarded),
      "add no X-Forwarded-For/-Proto/-Host to requests (by default they are added)")(
      "workers", po::value(&workers)->default_value(1), "worker threads")(
      "access-log", po::value(&access_log_path), "access log file");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "vlb-l7-proxy: " << e.what() << "\n" << opts << "\n";
    return 2;
  }

  auto at = splitHostPort("--listen", listen);
  if (!at) {
    std::cerr << "vlb-l7-proxy: " << at.error() << "\n";
    return 2;
  }
  std::vector<Endpoint> reals;
  for (const std::string& u : upstreams) {
    auto hp = splitHostPort("--upstream", u);
    if (!hp) {
      std::cerr << "vlb-l7-proxy: " << hp.error() << "\n";
      return 2;
    }
    auto addr = parseAddress("--upstream", hp->host, hp->port);
    if (!addr) {
      std::cerr << "vlb-l7-proxy: " << addr.error() << "\n";
      return 2;
    }
    Endpoint e;
    e.address = *addr;
    e.tls = upstream_tls;
    e.name = u;
    reals.push_back(e);
  }
  RoundRobinDirector director(reals);

  SSL_CTX* server_ctx = nullptr;
  if (!cert.empty()) {
    server_ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(server_ctx, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(server_ctx, (key.empty() ? cert : key).c_str(),
                                    SSL_FILETYPE_PEM) != 1) {
      std::cerr << "vlb-l7-proxy: cannot load --cert " << cert << " / --key " << key << "\n";
      return 2;
    }
    // The chain is what the file holds, as vlbd's l7/tls contexts give it explicitly: no chain
    // building from the trust store on every handshake.
    SSL_CTX_set_mode(server_ctx, SSL_MODE_NO_AUTO_CHAIN);
    if (no_resumption) {
      SSL_CTX_set_options(server_ctx, SSL_OP_NO_TICKET);
      SSL_CTX_set_num_tickets(server_ctx, 0);
      SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_OFF);
    }
  }
  // As vlbd re-encrypts: l7/tls's client context (no verification here, sessions resumed).
  std::shared_ptr<vlb::l7::tls::ClientContext> client_context;
  if (upstream_tls) {
    vlb::l7::tls::ClientConfig cc;
    cc.name = "--upstream-tls";
    auto made = vlb::l7::tls::ClientContext::create(cc);
    if (!made) {
      std::cerr << "vlb-l7-proxy: " << made.error() << "\n";
      return 2;
    }
    client_context = *made;
  }
  SSL_CTX* client_ctx = client_context ? client_context->connectContext() : nullptr;

  std::unique_ptr<vlb::l7::accesslog::AccessLog> access_log;
  if (!access_log_path.empty()) {
    vlb::l7::accesslog::AccessLogOptions o;
    o.slots = workers;
    auto log = vlb::l7::accesslog::AccessLog::open(access_log_path, o);
    if (!log) {
      std::cerr << "vlb-l7-proxy: " << log.error() << "\n";
      return 2;
    }
    access_log = std::move(*log);
  }

  EngineConfig config;
  config.workers = workers;
  config.access_log = access_log.get();
  ServiceConfig s;
  s.name = "standalone";
  s.address = at->host;
  s.port = at->port;
  s.server_tls = server_ctx;
  s.upstream_tls = client_ctx;
  s.director = &director;
  s.x_forwarded = !no_x_forwarded;
  config.services.push_back(s);

  sigset_t sigs;
  sigemptyset(&sigs);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sigs, sig);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);  // the workers inherit it; main waits for them
  signal(SIGPIPE, SIG_IGN);

  Engine engine;
  if (vlb::Status st = engine.start(config); !st) {
    std::cerr << "vlb-l7-proxy: " << st.error() << "\n";
    return 1;
  }
  std::cerr << "vlb-l7-proxy: listening on " << at->host << ":" << engine.port(0) << " with "
            << workers << " worker(s)\n";
  for (;;) {
    int sig = 0;
    sigwait(&sigs, &sig);
    if (sig == SIGHUP) {
      if (access_log) {
        if (vlb::Status st = access_log->reopen(); !st) std::cerr << st.error() << "\n";
      }
      continue;
    }
    break;
  }
  engine.stop();
  const auto& c = engine.serviceCounters(0);
  std::cerr << "vlb-l7-proxy: stopped after " << c.requests.load() << " requests\n";
  if (server_ctx) SSL_CTX_free(server_ctx);
  return 0;
}
