// vlbd: the VLB appliance daemon.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "mgmt/config/config.h"
#include "mgmt/daemon/appliance.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description opts("vlbd options");
  opts.add_options()
      ("help,h", "show this help")
      ("config,c", po::value<std::string>(), "configuration file (JSON, see docs/config.md); "
                                              "without it the embedded lab configuration is used")
      ("check-config", po::value<std::string>(), "validate FILE and exit: 0 valid, 1 refused")
      ("print-default-config", "print the embedded configuration and exit")
      ("file-prefix", po::value<std::string>(), "override eal.file_prefix")
      ("control-socket", po::value<std::string>(), "override control.socket");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "vlbd: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (vm.count("print-default-config")) {
    std::cout << vlb::config::defaultConfigJson();
    return 0;
  }
  if (vm.count("check-config")) {
    const auto path = vm["check-config"].as<std::string>();
    auto cfg = vlb::config::loadConfigFile(path);
    if (!cfg) {
      std::cerr << "vlbd: " << cfg.error() << "\n";
      return 1;
    }
    std::cout << path << ": ok\n";
    return 0;
  }

  auto cfg = vm.count("config") ? vlb::config::loadConfigFile(vm["config"].as<std::string>())
                                 : vlb::config::parseConfig(vlb::config::defaultConfigJson());
  if (!cfg) {
    std::cerr << "vlbd: " << cfg.error() << "\n";
    return 1;
  }
  if (vm.count("file-prefix")) cfg->eal.file_prefix = vm["file-prefix"].as<std::string>();
  if (vm.count("control-socket")) cfg->control.socket = vm["control-socket"].as<std::string>();

  // Blocked here, before EAL starts its threads, so that only the control thread's signalfd
  // sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  vlb::mgmt::Appliance appliance(std::move(*cfg));
  if (auto st = appliance.start(argv[0]); !st) {
    std::cerr << "vlbd: " << st.error() << "\n";
    return 1;
  }
  appliance.run();
  return 0;
}
