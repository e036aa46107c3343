// The interactive loop on libedit.
#include "mgmt/shell/interactive.h"

#include <histedit.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "mgmt/shell/completion.h"

namespace vlb::shell {
namespace {

volatile std::sig_atomic_t interrupted = 0;

void onInterrupt(int) { interrupted = 1; }

std::string shortHostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "vlb";
  std::string host = buf;
  return host.substr(0, host.find('.'));
}

struct Shell {
  ControlSession& session;
  OutputOptions options;
  std::string host = shortHostname();
  bool root = geteuid() == 0;
  std::string prompt;
};

Shell* shellOf(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<Shell*>(data);
}

char* prompt(EditLine* el) {
  Shell* s = shellOf(el);
  s->prompt = promptText(s->host, s->root, s->session.candidateChanged());
  return s->prompt.data();
}

unsigned char completeWord(EditLine* el, int) {
  Shell* s = shellOf(el);
  const LineInfo* li = el_line(el);
  const std::string so_far(li->buffer, size_t(li->cursor - li->buffer));
  const auto plan = planCompletion(so_far, s->session.complete(so_far));
  if (!plan.insert.empty()) {
    el_insertstr(el, plan.insert.c_str());
    return CC_REFRESH;
  }
  if (plan.show.empty()) return CC_ERROR;  // nothing to offer: beep
  std::fputs(("\n" + formatCandidates(plan.show)).c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

void saveHistory(History* hist, const std::string& path) {
  HistEvent ev;
  const mode_t old = umask(077);
  history(hist, &ev, H_SAVE, path.c_str());
  umask(old);
}

}  // namespace

std::string historyPath() {
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    const passwd* pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : "/tmp";
  }
  return std::string(home) + "/.vlbsh_history";
}

std::string promptText(const std::string& host, bool root, bool candidate_changed) {
  return std::string(candidate_changed ? "[edit] " : "") + host + (root ? "# " : "> ");
}

int runInteractive(ControlSession& session, const OutputOptions& options) {
  Shell shell{session, options, shortHostname(), geteuid() == 0, {}};
  EditLine* el = el_init("vlbsh", stdin, stdout, stderr);
  History* hist = history_init();
  if (!el || !hist) {
    std::cerr << "vlbsh: cannot start line editing\n";
    return kExitRefused;
  }
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, kHistorySize);
  history(hist, &ev, H_SETUNIQUE, 1);
  const std::string hist_path = historyPath();
  history(hist, &ev, H_LOAD, hist_path.c_str());  // absent on first use: fine
  el_set(el, EL_CLIENTDATA, &shell);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_PROMPT, prompt);
  // The wide-character call: libedit's narrow EL_ADDFN leaks its copies of the two strings.
  el_wset(el, EL_ADDFN, L"vlb-complete", L"ask vlbd how to complete the word", completeWord);
  el_set(el, EL_BIND, "^I", "vlb-complete", nullptr);
  el_source(el, nullptr);  // ~/.editrc, as other libedit programs

  struct sigaction sa {};
  sa.sa_handler = onInterrupt;  // no SA_RESTART: Ctrl-C abandons the line being typed
  sigaction(SIGINT, &sa, nullptr);

  for (;;) {
    int count = 0;
    interrupted = 0;
    const char* raw = el_gets(el, &count);
    if (interrupted) {  // Ctrl-C: start over on a fresh line
      std::fputs("\n", stdout);
      el_reset(el);
      continue;
    }
    if (!raw || count <= 0) {  // Ctrl-D or end of input
      std::fputs("\n", stdout);
      break;
    }
    std::string line(raw);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    auto commands = splitCommands(line);
    if (!commands) {
      std::cerr << "vlbsh: " << commands.error() << "\n";
      continue;
    }
    if (commands->empty()) continue;
    history(hist, &ev, H_ENTER, line.c_str());
    saveHistory(hist, hist_path);
    bool leave = false;
    for (const auto& words : *commands) {
      if (words.size() == 1 && (words[0] == "quit" || words[0] == "exit")) {
        leave = true;
        break;
      }
      Status done = runCommand(session, words, options, std::cout);
      for (const auto& notice : session.takeNotices()) std::cerr << "vlbsh: " << notice << "\n";
      if (!done) {
        std::cerr << "vlbsh: " << done.error() << "\n";
        break;  // the rest of a ';' line depended on this one
      }
    }
    if (leave) break;
  }
  history_end(hist);
  el_end(el);
  return kExitOk;
}

}  // namespace vlb::shell
