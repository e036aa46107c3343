// vlbsh: the management shell, a thin client of vlbd's control API.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "mgmt/shell/render.h"

namespace po = boost::program_options;

namespace {

constexpr const char* kDefaultSocket = "/run/vlb/vlbd.sock";

bool request(const std::string& path, const std::vector<std::string>& words, std::string* reply,
             std::string* error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long: " + path;
    return false;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "cannot reach vlbd at " + path + ": " + strerror(errno) + " (is vlbd running?)";
    close(fd);
    return false;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string line = nlohmann::ordered_json({{"command", words}}).dump() + "\n";
  if (write(fd, line.data(), line.size()) != ssize_t(line.size())) {
    *error = std::string("cannot send the request: ") + strerror(errno);
    close(fd);
    return false;
  }
  char buf[65536];
  ssize_t n = 0;
  while (reply->find('\n') == std::string::npos && (n = read(fd, buf, sizeof buf)) > 0)
    reply->append(buf, size_t(n));
  close(fd);
  if (n < 0) {
    *error = std::string("no answer from vlbd: ") + strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("vlbsh [options] COMMAND WORDS...\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("socket,s", po::value<std::string>(), "vlbd's control socket (default $VLB_SOCKET or /run/vlb/vlbd.sock)")
      ("json,j", "print the answer as JSON");
  po::options_description hidden;
  hidden.add_options()("words", po::value<std::vector<std::string>>(), "command words");
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("words", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "vlbsh: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help") || !vm.count("words")) {
    std::cout << opts << "\ncommands: vlbsh help\n";
    return vm.count("help") ? 0 : 2;
  }
  std::string socket_path = kDefaultSocket;
  if (const char* env = std::getenv("VLB_SOCKET")) socket_path = env;
  if (vm.count("socket")) socket_path = vm["socket"].as<std::string>();

  const auto words = vm["words"].as<std::vector<std::string>>();
  std::string reply, error;
  if (!request(socket_path, words, &reply, &error)) {
    std::cerr << "vlbsh: " << error << "\n";
    return 1;
  }
  auto doc = nlohmann::ordered_json::parse(reply, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    std::cerr << "vlbsh: vlbd sent an answer that is not JSON\n";
    return 1;
  }
  if (!doc.value("ok", false)) {
    std::cerr << "vlbsh: " << doc.value("error", std::string("unknown error")) << "\n";
    return 1;
  }
  if (vm.count("json"))
    std::cout << doc["result"].dump(2) << "\n";
  else
    vlb::shell::render(std::cout, words, doc["result"]);
  return 0;
}
