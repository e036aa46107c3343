// vlb-relay-floor: the cheapest possible proxy on kernel sockets, as a reference for
// perf/l7/compare. Each client connection gets its own upstream connection (opened at accept) and
// bytes are relayed both ways as they come: no HTTP parsing, no pool, no timers, no logging. Its
// CPU per request is what the kernel alone costs a proxy (two recv, two send with the peer's
// receive path run in ours, epoll, sleeps); no real proxy can go below it on the same machine.
//
//   vlb-relay-floor epoll|uring LISTEN_PORT UPSTREAM_PORT      (127.0.0.1 both; runs until killed)
//
// `uring` (built only when liburing is installed) does the same with io_uring: one recv armed per
// socket, sends submitted with the next wait, one system call per loop turn.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#ifdef VLB_HAVE_LIBURING
#include <liburing.h>
#endif

namespace {

struct Side {
  int fd = -1;
  int peer = -1;
  char buf[16384];
};

uint16_t upstream_port = 0;
std::vector<std::unique_ptr<Side>> sides;  // by fd

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void tune(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, O_NONBLOCK);
}

int listenOn(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in a = loopback(port);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1024) != 0)
    die("listen");
  return fd;
}

// An upstream connection for an accepted client, both tuned; -1 (the client closed) when the
// upstream refuses.
int connectUpstreamFor(int client) {
  const int up = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in a = loopback(upstream_port);
  if (up < 0 || connect(up, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    if (up >= 0) close(up);
    close(client);
    return -1;
  }
  tune(client);
  tune(up);
  return up;
}

// Pairs an accepted client with a new upstream connection; false when the upstream refuses.
bool pairWithUpstream(int client) {
  const int up = connectUpstreamFor(client);
  if (up < 0) return false;
  const size_t need = size_t(std::max(client, up)) + 1;
  if (sides.size() < need) sides.resize(need);
  sides[client] = std::make_unique<Side>();
  sides[client]->fd = client;
  sides[client]->peer = up;
  sides[up] = std::make_unique<Side>();
  sides[up]->fd = up;
  sides[up]->peer = client;
  return true;
}

void closePair(int fd) {
  const int peer = sides[fd]->peer;
  close(fd);
  close(peer);
  sides[fd].reset();
  sides[peer].reset();
}

void runEpoll(int listener) {
  const int ep = epoll_create1(0);
  auto add = [ep](int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  };
  add(listener);
  epoll_event events[64];
  while (true) {
    const int n = epoll_wait(ep, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        const int client = accept4(listener, nullptr, nullptr, 0);
        if (client >= 0 && pairWithUpstream(client)) {
          add(client);
          add(sides[client]->peer);
        }
        continue;
      }
      if (fd >= int(sides.size()) || !sides[fd]) continue;  // closed earlier in this batch
      Side& s = *sides[fd];
      const ssize_t got = recv(fd, s.buf, sizeof s.buf, 0);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0 || send(s.peer, s.buf, size_t(got), MSG_NOSIGNAL) != got) closePair(fd);
    }
  }
}

#ifdef VLB_HAVE_LIBURING
// Requests carry their Side. A closed pair's Sides are kept (never freed: a benchmark run opens a
// few hundred connections) so that completions still in flight for them stay harmless.
struct RingSide {
  int fd = -1;
  RingSide* peer = nullptr;
  bool closed = false;
  char buf[16384];
};
enum class Op : uintptr_t { kRecv = 0, kSend = 1 };  // in the low bit of the Side's address

void runUring(int listener) {
  io_uring ring;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (io_uring_queue_init_params(4096, &ring, &params) < 0) {
    params = {};
    if (io_uring_queue_init_params(4096, &ring, &params) < 0) die("io_uring");
  }
  auto submitFor = [&ring](RingSide* s, Op op) {
    io_uring_sqe* q = io_uring_get_sqe(&ring);
    if (op == Op::kRecv)
      io_uring_prep_recv(q, s->fd, s->buf, sizeof s->buf, 0);
    io_uring_sqe_set_data64(q, uint64_t(reinterpret_cast<uintptr_t>(s) | uintptr_t(op)));
    return q;
  };
  auto closePair = [](RingSide* s) {
    for (RingSide* x : {s, s->peer}) {
      if (x->closed) continue;
      x->closed = true;
      shutdown(x->fd, SHUT_RDWR);  // pending receives end with 0 and write nothing
      close(x->fd);
    }
  };
  constexpr uint64_t kAccept = 2;  // Sides are aligned: no Side address has this value
  io_uring_sqe* q = io_uring_get_sqe(&ring);
  io_uring_prep_multishot_accept(q, listener, nullptr, nullptr, 0);
  io_uring_sqe_set_data64(q, kAccept);
  while (true) {
    io_uring_submit_and_wait(&ring, 1);
    io_uring_cqe* cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const uint64_t t = io_uring_cqe_get_data64(cqe);
      if (t == kAccept) {
        const int client = cqe->res;
        if (client < 0) continue;
        const int up = connectUpstreamFor(client);
        if (up < 0) continue;
        auto* c = new RingSide{client, nullptr, false, {}};
        auto* u = new RingSide{up, c, false, {}};
        c->peer = u;
        submitFor(c, Op::kRecv);
        submitFor(u, Op::kRecv);
        continue;
      }
      auto* s = reinterpret_cast<RingSide*>(uintptr_t(t) & ~uintptr_t(1));
      const Op op = Op(t & 1);
      if (s->closed) continue;
      if (op == Op::kRecv) {
        if (cqe->res <= 0) {
          closePair(s);
          continue;
        }
        // The buffer is s's until the send completes; then s reads again.
        io_uring_sqe* w = submitFor(s, Op::kSend);
        io_uring_prep_send(w, s->peer->fd, s->buf, size_t(cqe->res), MSG_NOSIGNAL);
        io_uring_sqe_set_data64(w, uint64_t(reinterpret_cast<uintptr_t>(s) | uintptr_t(Op::kSend)));
      } else if (cqe->res < 0) {
        closePair(s);
      } else {
        submitFor(s, Op::kRecv);
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[1], "epoll") != 0 && std::strcmp(argv[1], "uring") != 0)) {
    std::fprintf(stderr, "usage: %s epoll|uring LISTEN_PORT UPSTREAM_PORT\n", argv[0]);
    return 2;
  }
  upstream_port = uint16_t(std::atoi(argv[3]));
  const int listener = listenOn(uint16_t(std::atoi(argv[2])));
  if (std::strcmp(argv[1], "epoll") == 0) runEpoll(listener);
#ifdef VLB_HAVE_LIBURING
  runUring(listener);
#else
  std::fprintf(stderr, "%s: built without liburing (apt install liburing-dev)\n", argv[0]);
  return 2;
#endif
}
