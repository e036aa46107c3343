// vlb-wake-cost: what one sleep in epoll_wait costs a process on this machine, in CPU time charged
// to it (the time perf/l7/compare counts as proxy CPU). A waiter pinned to CPU 0 waits in
// epoll_wait on a pipe and reads what arrives; a writer pinned to CPU 1 writes one byte, then
// waits GAP microseconds (spinning, so that it never sleeps itself), so many times. With GAP 0
// the writer outruns the waiter, which then almost never sleeps: the cost of a wait that finds
// data. With a GAP the waiter sleeps before almost every byte. The difference is what a wake-up
// costs beyond the system calls: the context switch to idle and back and, in a virtual machine,
// the halted virtual CPU coming back (cold caches included).
//
//   vlb-wake-cost [GAP_US ...]        default: 0 5 20 60; each run 0.5 s or 200000 bytes at most
//
// Prints one line per gap: waits, sleeps (voluntary context switches), CPU per wait (user, system).
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

double micros(const timeval& a, const timeval& b) {
  return double(b.tv_sec - a.tv_sec) * 1e6 + double(b.tv_usec - a.tv_usec);
}

// The writer: `count` bytes `gap_us` apart, bounded by `budget`; then 'q' to end the waiter.
[[noreturn]] void writeBytes(int fd, int gap_us, int count, Clock::duration budget) {
  pinTo(1);
  const Clock::time_point end = Clock::now() + budget;
  for (int i = 0; i < count && Clock::now() < end; ++i) {
    if (::write(fd, "x", 1) != 1) break;
    const Clock::time_point next = Clock::now() + std::chrono::microseconds(gap_us);
    while (Clock::now() < next) {
    }
  }
  (void)!::write(fd, "q", 1);
  _exit(0);
}

int measure(int gap_us) {
  constexpr int kBytes = 200000;
  constexpr auto kBudget = std::chrono::milliseconds(500);
  int p[2];
  if (pipe(p) != 0) return 1;
  const pid_t writer = fork();
  if (writer < 0) return 1;
  if (writer == 0) writeBytes(p[1], gap_us, kBytes, kBudget);
  pinTo(0);
  const int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = p[0];
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  long waits = 0, bytes = 0;
  bool done = false;
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  const Clock::time_point end = Clock::now() + kBudget + std::chrono::seconds(2);
  char buf[4096];
  while (!done && Clock::now() < end) {
    epoll_event out[4];
    const int n = epoll_wait(ep, out, 4, 100);
    ++waits;
    if (n <= 0) continue;
    const ssize_t got = ::read(p[0], buf, sizeof buf);
    if (got <= 0) break;
    bytes += got;
    done = buf[got - 1] == 'q';
  }
  getrusage(RUSAGE_SELF, &r1);
  waitpid(writer, nullptr, 0);
  close(ep);
  close(p[0]);
  close(p[1]);
  const long sleeps = r1.ru_nvcsw - r0.ru_nvcsw;
  const double user = micros(r0.ru_utime, r1.ru_utime), sys = micros(r0.ru_stime, r1.ru_stime);
  std::printf("gap %4d us: %7ld waits, %7ld sleeps (%.2f per wait), %6.2f us CPU per wait "
              "(user %.2f, system %.2f)\n",
              gap_us, waits, sleeps, double(sleeps) / double(waits), (user + sys) / double(waits),
              user / double(waits), sys / double(waits));
  return done ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> gaps;
  for (int i = 1; i < argc; ++i) {
    const int g = std::atoi(argv[i]);
    if (g < 0 || g > 10000) {
      std::fprintf(stderr, "vlb-wake-cost: gap %s: want 0..10000 microseconds\n", argv[i]);
      return 2;
    }
    gaps.push_back(g);
  }
  if (gaps.empty()) gaps = {0, 5, 20, 60};
  int failures = 0;
  for (const int g : gaps) failures += measure(g);
  return failures == 0 ? 0 : 1;
}
