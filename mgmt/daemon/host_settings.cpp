// Host name and resolv.conf (host_settings.h).
#include "mgmt/daemon/host_settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vlb::mgmt {
namespace {

std::string& resolvConfSetting() {
  static std::string path = kDefaultResolvConf;
  return path;
}

Status writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(strerror(errno));
    done += size_t(n);
  }
  return Ok{};
}

}  // namespace

void setResolvConfPath(std::string path) { resolvConfSetting() = std::move(path); }
const std::string& resolvConfPath() { return resolvConfSetting(); }

Status applyHostname(const std::string& name) {
  if (sethostname(name.data(), name.size()) != 0)
    return fail("system: hostname \"" + name + "\": cannot set it: " + strerror(errno));
  return Ok{};
}

std::string resolvConfText(const std::vector<config::IpAddress>& servers) {
  std::string text = "# Written by vlbd from system.dns_servers; changes here are overwritten.\n";
  for (const auto& s : servers) text += "nameserver " + s.text + "\n";
  return text;
}

Status writeResolvConf(const std::string& path, const std::vector<config::IpAddress>& servers) {
  const std::filesystem::path target(path);
  const std::string where = "system: dns_servers: " + path + ": ";
  std::string temp = (target.parent_path() / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) return fail(where + "cannot create a temporary file: " + strerror(errno));
  Status st = writeAll(fd, resolvConfText(servers));
  if (st && fchmod(fd, 0644) != 0) st = fail(strerror(errno));
  if (st && fsync(fd) != 0) st = fail(strerror(errno));
  close(fd);
  if (st && rename(temp.c_str(), path.c_str()) != 0) st = fail(strerror(errno));
  if (!st) {
    unlink(temp.c_str());
    return fail(where + st.error());
  }
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  if (int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Ok{};
}

}  // namespace vlb::mgmt
