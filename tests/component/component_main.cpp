// EAL for the component tests: no hugepages, no PCI, no shared files, a prefix of its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include <string>
#include <vector>

namespace vlb::dp {
rte_mempool* g_pool = nullptr;
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const std::string prefix = "--file-prefix=vlb-component-" + std::to_string(getpid());
  std::vector<std::string> args = {"worker_test", "--no-huge", "--no-pci", "--no-shconf",
                                   "--no-telemetry", "-m", "512", "--log-level=warning", prefix};
  std::vector<char*> eal_argv;
  for (auto& a : args) eal_argv.push_back(a.data());
  if (rte_eal_init(int(eal_argv.size()), eal_argv.data()) < 0) return 1;
  vlb::dp::g_pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (!vlb::dp::g_pool) return 1;
  const int rc = RUN_ALL_TESTS();
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());
  return rc;
}
