// vlbd: the VLB appliance daemon.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "mgmt/config/config.h"
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/host_settings.h"
#include "mgmt/revisions/atomic_file.h"
#include "mgmt/revisions/revision_store.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description opts("vlbd options");
  opts.add_options()
      ("help,h", "show this help")
      ("config,c", po::value<std::string>(), "configuration file (JSON, see docs/config.md); "
                                              "without it the embedded lab configuration is used. "
                                              "With --state-dir: only the first boot's seed")
      ("state-dir", po::value<std::string>(), "where commits persist the running configuration and "
                                             "its revisions (e.g. /var/lib/vlb); at start vlbd runs "
                                             "what is saved there")
      ("check-config", po::value<std::string>(), "validate FILE and exit: 0 valid, 1 refused")
      ("print-default-config", "print the embedded configuration and exit")
      ("file-prefix", po::value<std::string>(), "override eal.file_prefix")
      ("control-socket", po::value<std::string>(), "override control.socket")
      ("resolv-conf", po::value<std::string>()->default_value(vlb::mgmt::kDefaultResolvConf),
       "where system.dns_servers are written (atomically)");
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

  // The configuration text: the persisted running configuration when there is one (a corrupt
  // file falls back to the newest good revision, loudly), else --config or the embedded one.
  std::string text;
  std::unique_ptr<vlb::revisions::RevisionStore> store;
  std::string seed_name = "the embedded configuration";
  if (vm.count("config")) {
    seed_name = vm["config"].as<std::string>();
    auto seed = vlb::revisions::readWholeFile(seed_name);
    if (!seed) {
      std::cerr << "vlbd: " << seed.error() << "\n";
      return 1;
    }
    text = *seed;
  } else {
    text = std::string(vlb::config::defaultConfigJson());
  }
  if (vm.count("state-dir")) {
    store = std::make_unique<vlb::revisions::RevisionStore>(vm["state-dir"].as<std::string>());
    auto boot = store->loadAtBoot([](const std::string& t) -> vlb::Status {
      auto c = vlb::config::parseConfig(t);
      if (!c) return vlb::fail(c.error());
      return vlb::Ok{};
    });
    if (!boot) {
      std::cerr << "vlbd: " << boot.error() << "\n";
      return 1;
    }
    for (const auto& problem : boot->problems) std::cerr << "vlbd: WARNING: " << problem << "\n";
    using Origin = vlb::revisions::BootConfig::Origin;
    if (boot->origin == Origin::Revision)
      std::cerr << "vlbd: WARNING: the saved running configuration is unusable; running revision "
                << boot->sequence << " instead\n";
    if (boot->origin != Origin::Nothing) {
      text = boot->text;
    } else if (auto st = store->save(text, {"vlbd", "first boot from " + seed_name,
                                            std::chrono::system_clock::now()});
               !st) {
      std::cerr << "vlbd: " << st.error() << "\n";
      return 1;
    }
  }
  auto cfg = vlb::config::parseConfig(text);
  if (!cfg) {
    std::cerr << "vlbd: " << (vm.count("config") ? seed_name + ": " : "") << cfg.error() << "\n";
    return 1;
  }
  auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (vm.count("file-prefix")) cfg->eal.file_prefix = vm["file-prefix"].as<std::string>();
  if (vm.count("control-socket")) cfg->control.socket = vm["control-socket"].as<std::string>();
  vlb::mgmt::setResolvConfPath(vm["resolv-conf"].as<std::string>());

  // Blocked here, before EAL starts its threads, so that only the control thread's signalfd
  // sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);  // reopens the access logs (l7_control.cpp)
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  vlb::mgmt::Appliance appliance(std::move(*cfg), std::move(doc), std::move(store));
  if (auto st = appliance.start(argv[0]); !st) {
    std::cerr << "vlbd: " << st.error() << "\n";
    return 1;
  }
  appliance.run();
  return 0;
}
