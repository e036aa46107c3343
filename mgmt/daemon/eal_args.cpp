#include "mgmt/daemon/eal_args.h"

#include "datapath/port/devargs.h"

namespace vlb::mgmt {

std::vector<std::string> ealArguments(const config::Config& cfg, const std::string& argv0) {
  const auto& eal = cfg.eal;
  std::vector<std::string> args = {argv0, "--file-prefix=" + eal.file_prefix, "--no-telemetry",
                                   "--log-level=notice"};
  if (eal.no_huge) args.push_back("--no-huge");
  if (eal.no_pci) args.push_back("--no-pci");
  // EAL 22.11 refuses --in-memory with --no-huge; --no-shconf is the part that matters there:
  // no shared config files. vlbd removes the then empty runtime directory when it stops.
  if (eal.in_memory) args.push_back(eal.no_huge ? "--no-shconf" : "--in-memory");
  unsigned memory = eal.memory_mb;
  if (memory == 0 && eal.no_huge) memory = kDefaultNoHugeMemoryMb;
  if (memory) args.push_back("-m" + std::to_string(memory));
  // --lcores takes plain lists ("0-1") and placements ("0@0,1@1,2@0": more lcores than CPUs).
  if (!eal.lcores.empty()) args.push_back("--lcores=" + eal.lcores);
  for (const auto& port : cfg.ports) {
    if (dp::isVirtualDevice(port.devargs))
      args.push_back("--vdev=" + port.devargs);
    else
      args.push_back("-a" + port.devargs);
  }
  args.insert(args.end(), eal.extra_args.begin(), eal.extra_args.end());
  return args;
}

}  // namespace vlb::mgmt
