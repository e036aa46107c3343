// Health checker CPU cost: N reals (default 1,000) on 127.1.x.y, each checked every second for
// ~10 s against a loopback server in another thread; prints the checker thread's CPU time as % of
// one core (CLOCK_THREAD_CPUTIME_ID), per check type. A plain main: the number that matters is
// CPU per wall second of a steady schedule, which Google Benchmark's iteration model does not fit.
//
//   build-x/perf/health_bench [--reals 1000] [--seconds 10] [--types tcp,http,https]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mgmt/health/check_spec.h"
#include "mgmt/health/health_checker.h"

using namespace vlb::health;

namespace {

// User and system CPU seconds of the calling thread (tick-sampled, so only roughly split). System
// time includes the loopback TCP work of both ends that the kernel does in this thread's context.
struct ThreadCpu {
  double user = 0, sys = 0;
  static ThreadCpu now() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return {double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6,
            double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6};
  }
};

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// A self-signed certificate for the https variant's server.
SSL_CTX* makeServerTls() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("bench.example.com"), -1, -1,
                             0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

// Non-blocking loopback server on 0.0.0.0:port: accepts, answers a request head with 200, closes.
class BenchServer {
 public:
  explicit BenchServer(SSL_CTX* tls) : tls_(tls) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    socklen_t len = sizeof sa;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        listen(listen_fd_, 4096) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
      std::perror("bench server");
      std::exit(1);
    }
    port_ = ntohs(sa.sin_port);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    add(listen_fd_);
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "bench-server");
      loop();
    });
  }
  ~BenchServer() {
    stop_ = true;
    thread_.join();
    for (auto& [fd, c] : conns_) {
      if (c.ssl) SSL_free(c.ssl);
      close(fd);
    }
    close(listen_fd_);
    close(ep_);
  }
  uint16_t port() const { return port_; }

 private:
  struct Conn {
    SSL* ssl = nullptr;
    std::string in;
  };
  void add(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }
  void closeConn(int fd) {
    auto it = conns_.find(fd);
    if (it != conns_.end() && it->second.ssl) SSL_free(it->second.ssl);
    conns_.erase(fd);
    close(fd);
  }
  void loop() {
    static const char kResponse[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    while (!stop_) {
      epoll_event evs[256];
      const int n = epoll_wait(ep_, evs, 256, 50);
      for (int i = 0; i < n; ++i) {
        const int fd = evs[i].data.fd;
        if (fd == listen_fd_) {
          for (int k = 0; k < 256; ++k) {
            const int c = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) break;
            Conn conn;
            if (tls_) {
              conn.ssl = SSL_new(tls_);
              SSL_set_fd(conn.ssl, c);
              SSL_set_accept_state(conn.ssl);
            }
            conns_[c] = std::move(conn);
            add(c);
          }
          continue;
        }
        Conn& conn = conns_[fd];
        char buf[4096];
        const int r =
            conn.ssl ? SSL_read(conn.ssl, buf, sizeof buf) : int(recv(fd, buf, sizeof buf, 0));
        if (r > 0) {
          conn.in.append(buf, size_t(r));
          if (conn.in.find("\r\n\r\n") == std::string::npos) continue;
          if (conn.ssl)
            SSL_write(conn.ssl, kResponse, sizeof kResponse - 1);
          else
            send(fd, kResponse, sizeof kResponse - 1, MSG_NOSIGNAL);
          closeConn(fd);
        } else if (conn.ssl && r <= 0) {
          const int err = SSL_get_error(conn.ssl, r);
          if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) closeConn(fd);
        } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          closeConn(fd);
        }
      }
    }
  }

  SSL_CTX* tls_;
  int listen_fd_ = -1, ep_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::unordered_map<int, Conn> conns_;
  std::thread thread_;
};

void runOne(CheckType type, int reals, int seconds) {
  SSL_CTX* server_tls = type == CheckType::kHttps ? makeServerTls() : nullptr;
  double checker_cpu = 0, user_cpu = 0, sys_cpu = 0, run_cpu = 0;
  long run_calls = 0;
  CheckerCounters counters;
  uint64_t events = 0;
  {
    BenchServer server(server_tls);
    auto made = HealthChecker::create([&](const HealthEvent&) { ++events; });
    if (!made) {
      std::fprintf(stderr, "%s\n", made.error().c_str());
      std::exit(1);
    }
    HealthChecker& checker = **made;
    std::vector<RealCheck> checks;
    for (int i = 0; i < reals; ++i) {
      RealCheck c;
      c.real = RealKey{"bench", 0x7F010000u + uint32_t(i) + 1, server.port()};
      c.spec.type = type;
      c.spec.path = "/health";
      c.spec.timing.interval = Duration(1000);
      checks.push_back(c);
    }
    double in_run = 0;  // inside run() only: what the checker adds to vlbd's existing loop
    long runs = 0;
    const double cpu0 = threadCpuSeconds();
    const ThreadCpu split0 = ThreadCpu::now();
    const auto start = Clock::now();
    if (auto st = checker.setChecks(checks, start); !st) {
      std::fprintf(stderr, "%s\n", st.error().c_str());
      std::exit(1);
    }
    const auto end = start + std::chrono::seconds(seconds);
    for (long i = 0; i < 10'000'000 && Clock::now() < end; ++i) {
      pollfd p{checker.fd(), POLLIN, 0};
      poll(&p, 1, 100);
      const double before = threadCpuSeconds();
      checker.run(Clock::now());
      in_run += threadCpuSeconds() - before;
      ++runs;
    }
    checker_cpu = threadCpuSeconds() - cpu0;
    run_cpu = in_run;
    run_calls = runs;
    const ThreadCpu split1 = ThreadCpu::now();
    user_cpu = split1.user - split0.user;
    sys_cpu = split1.sys - split0.sys;
    counters = checker.counters();
    (void)checker.setChecks({}, Clock::now());
  }
  std::printf(
      "%-5s reals %d, %d s: %lu checks (%lu passed, %lu failed), %lu events; "
      "checker CPU %.3f s = %.2f %% of one core (user %.2f %%, system %.2f %%), "
      "%.1f us per check; inside run() %.2f %% (%ld calls)\n",
      std::string(checkTypeName(type)).c_str(), reals, seconds,
      (unsigned long)(counters.checks_passed + counters.checks_failed),
      (unsigned long)counters.checks_passed, (unsigned long)counters.checks_failed,
      (unsigned long)events, checker_cpu, 100.0 * checker_cpu / seconds, 100.0 * user_cpu / seconds,
      100.0 * sys_cpu / seconds,
      1e6 * checker_cpu / double(std::max<uint64_t>(1, counters.checks_started)),
      100.0 * run_cpu / seconds, run_calls);
  if (server_tls) SSL_CTX_free(server_tls);
}

}  // namespace

int main(int argc, char** argv) {
  int reals = 1000, seconds = 10;
  std::string types = "tcp,http,https";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string opt = argv[i];
    if (opt == "--reals")
      reals = std::atoi(argv[i + 1]);
    else if (opt == "--seconds")
      seconds = std::atoi(argv[i + 1]);
    else if (opt == "--types")
      types = argv[i + 1];
  }
  std::signal(SIGPIPE, SIG_IGN);
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  for (size_t pos = 0; pos <= types.size();) {
    const size_t comma = std::min(types.find(',', pos), types.size());
    auto type = parseCheckType(std::string_view(types).substr(pos, comma - pos));
    if (!type || *type == CheckType::kNone) {
      std::fprintf(stderr, "--types: %s\n",
                   type ? "none has nothing to measure" : type.error().c_str());
      return 2;
    }
    runOne(*type, reals, seconds);
    pos = comma + 1;
  }
  return 0;
}
