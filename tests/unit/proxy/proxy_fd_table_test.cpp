// The worker threads run with file descriptor tables of their own (Worker::takePrivateFdTable):
// they keep none of the process's other files open, their listeners close when they stop, and
// the tables really are separate.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "proxy_test_util.h"

namespace vlb::l7::proxy::testing {
namespace {

using FdTableTest = ProxyFixture;

std::string linkOf(const std::string& path) {
  char buf[256];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

// A pipe open before the engine starts: once we close its write end, the read end sees EOF only
// if no worker kept a copy of it.
TEST_F(FdTableTest, WorkersKeepNoCopyOfTheProcessFiles) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  EngineConfig config;
  config.workers = 2;
  startProxy(director, config);
  Conn c = connectTo(proxy_port);
  EXPECT_EQ(getStatus(c, "a"), 200);

  ::close(p[1]);
  char byte;
  EXPECT_EQ(::read(p[0], &byte, 1), 0) << "read: " << std::strerror(errno);
  ::close(p[0]);
}

// A file opened after the start is not in some thread's table: the workers' own.
TEST_F(FdTableTest, WorkerThreadsHaveTheirOwnTable) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  const std::string ours = linkOf("/proc/self/fd/" + std::to_string(p[0]));
  ASSERT_FALSE(ours.empty());
  int threads = 0, without = 0;
  DIR* tasks = ::opendir("/proc/self/task");
  ASSERT_NE(tasks, nullptr);
  while (dirent* e = ::readdir(tasks)) {
    if (e->d_name[0] == '.') continue;
    ++threads;
    const std::string theirs =
        linkOf(std::string("/proc/self/task/") + e->d_name + "/fd/" + std::to_string(p[0]));
    if (theirs != ours) ++without;
  }
  ::closedir(tasks);
  ::close(p[0]);
  ::close(p[1]);
  EXPECT_GE(threads, 2);
  EXPECT_EQ(without, int(used.workers));  // the test's own threads share our table
}

// The listeners live only in the workers' tables: stopping the engine closes them for real.
TEST_F(FdTableTest, ListenersCloseWhenTheEngineStops) {
  TestUpstream& up = makeUpstream(echoHandler);
  TestDirector& director = makeDirector(up.port());
  startProxy(director);
  Conn c = connectTo(proxy_port);
  EXPECT_EQ(getStatus(c, "a"), 200);
  c.close();
  engine.stop();
  EXPECT_TRUE(refusesConnections(proxy_port));
}

}  // namespace
}  // namespace vlb::l7::proxy::testing
