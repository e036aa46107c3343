// libFuzzer target: any bytes as a configuration file. parseConfig must return a result (never
// crash, throw or hang), and an error must say something.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mgmt/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto cfg = vlb::config::parseConfig(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!cfg.ok() && cfg.error().empty()) std::abort();
  return 0;
}
