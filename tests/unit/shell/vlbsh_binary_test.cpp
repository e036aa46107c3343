// The vlbsh program itself (path in $VLBSH) against a fake vlbd: exit statuses and messages of
// one-shot commands, -c, -f, and an -i session fed through a pipe (history file included).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fake_vlbd.h"

namespace vlb::shell {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class VlbshBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* exe = std::getenv("VLBSH");
    ASSERT_NE(exe, nullptr) << "meson passes the vlbsh path in $VLBSH";
    exe_ = exe;
    std::string pattern = (fs::temp_directory_path() / "vlbsh-home-XXXXXX").string();
    home_ = mkdtemp(pattern.data());
  }
  void TearDown() override { fs::remove_all(home_); }

  // Runs the program with `args`, `input` on stdin; at most 10 s.
  Outcome vlbsh(const std::string& socket, std::vector<std::string> args, const std::string& input = "") {
    std::ofstream(home_ / "stdin") << input;
    pid_t pid = fork();
    if (pid == 0) {
      int in = open((home_ / "stdin").c_str(), O_RDONLY);
      int out = open((home_ / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open((home_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      setenv("VLB_SOCKET", socket.c_str(), 1);
      setenv("HOME", home_.c_str(), 1);
      std::vector<char*> argv{exe_.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(exe_.c_str(), argv.data());
      _exit(127);
    }
    Outcome r;
    const int pidfd = int(syscall(SYS_pidfd_open, pid, 0));
    pollfd p{pidfd, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) kill(pid, SIGKILL);
    close(pidfd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(home_ / "stdout");
    r.err = slurp(home_ / "stderr");
    return r;
  }

  std::string exe_;
  fs::path home_;
};

TEST_F(VlbshBinary, OneShotCommandKeepsItsBehaviour) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  auto ok = vlbsh(vlbd.socketPath(), {"echo", "a b"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "words: a b\n");  // no splitting of words the shell already split
  auto json = vlbsh(vlbd.socketPath(), {"--json", "show", "version"});
  EXPECT_EQ(json.status, 0);
  EXPECT_EQ(json.out, "{\n  \"version\": \"0.1.0\",\n  \"lcores\": 1\n}\n");
  auto refused = vlbsh(vlbd.socketPath(), {"bogus"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err, "vlbsh: unknown command \"bogus\"; try \"help\"\n");
  auto nobody = vlbsh((home_ / "none.sock").string(), {"show", "version"});
  EXPECT_EQ(nobody.status, 1);
  EXPECT_NE(nobody.err.find("is vlbd running?"), std::string::npos);
}

TEST_F(VlbshBinary, CommandStringStopsAtTheFirstError) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  auto r = vlbsh(vlbd.socketPath(), {"-c", "echo a; bogus; echo b"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "words: a\n");
  EXPECT_EQ(r.err, "vlbsh: -c command 2: bogus: unknown command \"bogus\"; try \"help\"\n");
  EXPECT_EQ(vlbd.requests().size(), 2u);
  EXPECT_EQ(vlbd.connections(), 1u);
}

TEST_F(VlbshBinary, FileNamesTheLineOfTheError) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  std::ofstream(home_ / "setup.vlb") << "# comment\n\necho 1\nset a b\n\nbogus\necho 2\n";
  auto r = vlbsh(vlbd.socketPath(), {"-f", (home_ / "setup.vlb").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "words: 1\n");
  EXPECT_EQ(r.err, "vlbsh: " + (home_ / "setup.vlb").string() + ":6: bogus: unknown command \"bogus\"; try \"help\"\n");

  auto from_stdin = vlbsh(vlbd.socketPath(), {"-f", "-"}, "echo x\necho y\n");
  EXPECT_EQ(from_stdin.status, 0);
  EXPECT_EQ(from_stdin.out, "words: x\nwords: y\n");
}

TEST_F(VlbshBinary, ScriptThatDoesNotSplitRunsNothing) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  std::ofstream(home_ / "bad.vlb") << "echo 1\necho 'open\n";
  auto r = vlbsh(vlbd.socketPath(), {"-f", (home_ / "bad.vlb").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "vlbsh: " + (home_ / "bad.vlb").string() + ":2: unterminated single quote opened at column 6\n");
  EXPECT_TRUE(vlbd.requests().empty());
  auto missing = vlbsh(vlbd.socketPath(), {"-f", (home_ / "nope.vlb").string()});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "vlbsh: cannot read the script " + (home_ / "nope.vlb").string() + "\n");
}

TEST_F(VlbshBinary, ModesDoNotMix) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  auto r = vlbsh(vlbd.socketPath(), {"-c", "echo a", "show", "version"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not several"), std::string::npos);
  auto none = vlbsh(vlbd.socketPath(), {});  // stdin is a file, not a terminal: usage, as before
  EXPECT_EQ(none.status, 2);
  EXPECT_TRUE(vlbd.requests().empty());
}

TEST_F(VlbshBinary, InteractiveSessionOverAPipe) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  auto r = vlbsh(vlbd.socketPath(), {"-i"}, "echo one\nbogus\nset a b; echo two\n\nquit\necho never\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("words: one\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("words: two\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "vlbsh: unknown command \"bogus\"; try \"help\"\n");  // errors do not end it
  ASSERT_EQ(vlbd.requests().size(), 4u);
  EXPECT_EQ(vlbd.connections(), 1u);
  const std::string history = slurp(home_ / ".vlbsh_history");
  EXPECT_NE(history.find("echo"), std::string::npos) << history;
  EXPECT_EQ(history.find("never"), std::string::npos);
}

TEST_F(VlbshBinary, HistoryStaysBounded) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  std::string input;
  for (int i = 0; i < 1200; ++i) input += "echo " + std::to_string(i) + "\n";
  auto r = vlbsh(vlbd.socketPath(), {"-i"}, input);
  EXPECT_EQ(r.status, 0);
  std::istringstream lines(slurp(home_ / ".vlbsh_history"));
  size_t count = 0;
  std::string last;
  for (std::string line; std::getline(lines, line);) ++count, last = line;
  EXPECT_LE(count, 1001u);  // the format's header line and at most 1000 entries
  EXPECT_GE(count, 1000u);
  EXPECT_NE(last.find("1199"), std::string::npos) << last;
}

// On a pseudo-terminal: libedit's Tab goes to vlbd for candidates, and the prompt shows [edit].
class Terminal {
 public:
  Terminal(const std::string& exe, const std::string& socket, const fs::path& home) {
    pid_ = forkpty(&fd_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      execl(exe.c_str(), exe.c_str(), "-s", socket.c_str(), nullptr);
      _exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) kill(pid_, SIGKILL);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    if (fd_ >= 0) close(fd_);
  }
  void type(const std::string& keys) { ASSERT_EQ(write(fd_, keys.data(), keys.size()), ssize_t(keys.size())); }
  // Reads until `needle` shows up after what was already seen; at most 5 s.
  bool waitFor(const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      const size_t at = seen_.find(needle, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + needle.size();
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, int(left.count())) != 1) return false;
      char buf[4096];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) return false;
      seen_.append(buf, size_t(n));
    }
  }
  int exitStatus() {
    int status = 0;
    const int pidfd = int(syscall(SYS_pidfd_open, pid_, 0));
    pollfd p{pidfd, POLLIN, 0};
    const bool ended = poll(&p, 1, 5000) == 1;
    close(pidfd);
    if (!ended) return -1;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& seen() const { return seen_; }

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
  std::string seen_;
  size_t consumed_ = 0;
};

TEST_F(VlbshBinary, TerminalCompletionAndEditPrompt) {
  testing::FakeVlbd vlbd(testing::typicalVlbd());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  const std::string prompt = std::string(host).substr(0, std::string(host).find('.')) + (geteuid() == 0 ? "# " : "> ");
  Terminal term(exe_, vlbd.socketPath(), home_);
  ASSERT_TRUE(term.waitFor(prompt)) << term.seen();
  term.type("show vers\t");
  ASSERT_TRUE(term.waitFor("ion ")) << term.seen();  // the one match, completed
  term.type("\r");
  ASSERT_TRUE(term.waitFor("version: 0.1.0")) << term.seen();
  term.type("set a b\r");
  ASSERT_TRUE(term.waitFor("[edit] " + prompt)) << term.seen();
  term.type("show v\t");
  ASSERT_TRUE(term.waitFor("virtual-service")) << term.seen();  // several: listed
  term.type("\x15quit\r");  // ^U clears the line
  EXPECT_EQ(term.exitStatus(), 0) << term.seen();
  const auto requests = vlbd.requests();
  ASSERT_GE(requests.size(), 4u);
  EXPECT_EQ(requests[0], nlohmann::ordered_json::parse(R"({"complete": "show vers"})"));
  EXPECT_EQ(requests[1], nlohmann::ordered_json::parse(R"({"command": ["show", "version"]})"));
  EXPECT_EQ(vlbd.connections(), 1u);
}

}  // namespace
}  // namespace vlb::shell
