// resolv.conf as vlbd writes it: its text, its mode, a whole replacement, and the refusal wording.
#include "mgmt/daemon/host_settings.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mgmt/config/config.h"

namespace vlb::mgmt {
namespace {

namespace fs = std::filesystem;

std::vector<config::IpAddress> servers(std::initializer_list<const char*> texts) {
  std::vector<config::IpAddress> out;
  for (const char* t : texts) out.push_back(*config::parseIpAddress(t));
  return out;
}

std::string readAll(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class ResolvConf : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vlb_resolv_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ResolvConf, TextHasAHeaderAndOneLinePerServer) {
  EXPECT_EQ(resolvConfText(servers({"192.0.2.53", "2001:db8::53"})),
            "# Written by vlbd from system.dns_servers; changes here are overwritten.\n"
            "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
}

TEST_F(ResolvConf, ReplacesTheFileWholeWithMode0644AndNoTempLeft) {
  const fs::path target = dir_ / "resolv.conf";
  std::ofstream(target) << "nameserver 198.51.100.1\nsearch old.example\n";
  ASSERT_TRUE(writeResolvConf(target.string(), servers({"192.0.2.53"})).ok());
  EXPECT_EQ(readAll(target), resolvConfText(servers({"192.0.2.53"})));
  struct stat st {};
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST_F(ResolvConf, AMissingDirectoryIsRefusedNamingThePath) {
  const std::string target = (dir_ / "nowhere" / "resolv.conf").string();
  auto st = writeResolvConf(target, servers({"192.0.2.53"}));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error(), "system: dns_servers: " + target +
                            ": cannot create a temporary file: No such file or directory");
}

TEST(ResolvConfPath, DefaultsToEtcAndFollowsTheOption) {
  EXPECT_EQ(resolvConfPath(), "/etc/resolv.conf");
  setResolvConfPath("/run/vlb-lab/x/resolv.conf");
  EXPECT_EQ(resolvConfPath(), "/run/vlb-lab/x/resolv.conf");
}

}  // namespace
}  // namespace vlb::mgmt
