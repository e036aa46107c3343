// vlbsh: the management shell, a client of vlbd's control API. One command from the command
// line, a script (-c, -f), or an interactive session (no command words and a terminal, or -i).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "mgmt/shell/control_session.h"
#include "mgmt/shell/interactive.h"
#include "mgmt/shell/script.h"

namespace po = boost::program_options;
using namespace vlb::shell;

namespace {

constexpr const char* kDefaultSocket = "/run/vlb/vlbd.sock";

vlb::Result<std::string> readScript(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return vlb::fail("cannot read the script " + path);
  text << in.rdbuf();
  return text.str();
}

// Options come before the command; from the first command word on everything is a word, even
// one that looks like an option ("test flow tcp A -> B"): a "--" goes in before it.
std::vector<std::string> optionsThenWords(int argc, char** argv) {
  std::vector<std::string> out;  // without argv[0], as the parser takes them
  bool words = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!words && a == "--") words = true;
    if (!words && (a.empty() || a[0] != '-')) {
      out.push_back("--");
      words = true;
    }
    out.push_back(a);
    const bool takes_value = a == "-s" || a == "--socket" || a == "-c" || a == "--command" ||
                             a == "-f" || a == "--file";
    if (!words && takes_value && i + 1 < argc) out.push_back(argv[++i]);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts(
      "vlbsh [options] [COMMAND WORDS...]\n"
      "  no command words: an interactive session (on a terminal, or with -i)\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("socket,s", po::value<std::string>(), "vlbd's control socket (default $VLB_SOCKET or /run/vlb/vlbd.sock)")
      ("json,j", "print the answer as JSON")
      ("command,c", po::value<std::string>(), "run these commands, separated by ';', and stop at the first error")
      ("file,f", po::value<std::string>(), "run the commands in FILE, one a line ('-': standard input)")
      ("interactive,i", "an interactive session even when standard input is not a terminal");
  po::options_description hidden;
  hidden.add_options()("words", po::value<std::vector<std::string>>(), "command words");
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("words", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(optionsThenWords(argc, argv)).options(all).positional(positional).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "vlbsh: " << e.what() << "\n";
    return kExitUsage;
  }
  const bool words = vm.count("words") > 0;
  const int modes = int(words) + int(vm.count("command")) + int(vm.count("file")) + int(vm.count("interactive"));
  const bool interactive = vm.count("interactive") || (modes == 0 && isatty(STDIN_FILENO));
  if (vm.count("help") || modes > 1 || (modes == 0 && !interactive)) {
    if (modes > 1) std::cerr << "vlbsh: give command words, -c, -f or -i, not several\n";
    std::cout << opts << "\ncommands: vlbsh help\n";
    return vm.count("help") ? kExitOk : kExitUsage;
  }
  std::string socket_path = kDefaultSocket;
  if (const char* env = std::getenv("VLB_SOCKET")) socket_path = env;
  if (vm.count("socket")) socket_path = vm["socket"].as<std::string>();
  OutputOptions output{vm.count("json") > 0};
  ControlSession session(socket_path);

  if (interactive) return runInteractive(session, output);
  if (words) {
    const auto command = vm["words"].as<std::vector<std::string>>();
    vlb::Status done = runCommand(session, command, output, std::cout);
    if (!done) {
      std::cerr << "vlbsh: " << done.error() << "\n";
      return kExitRefused;
    }
    return kExitOk;
  }
  vlb::Result<std::vector<ScriptCommand>> script = vlb::fail("");
  if (vm.count("command")) {
    script = parseCommandString(vm["command"].as<std::string>());
  } else {
    const std::string path = vm["file"].as<std::string>();
    auto text = readScript(path);
    if (!text) {
      std::cerr << "vlbsh: " << text.error() << "\n";
      return kExitUsage;
    }
    script = parseScriptFile(*text, path == "-" ? "stdin" : path);
  }
  if (!script) {
    std::cerr << "vlbsh: " << script.error() << "\n";
    return kExitUsage;
  }
  return runScript(session, *script, output, std::cout, std::cerr);
}
