// The host's own settings that are not network interfaces: its name and its DNS resolvers.
// vlbd applies them at start and on every commit (system_control.cpp).
#pragma once

#include <string>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/config/ip_types.h"

namespace vlb::mgmt {

constexpr const char* kDefaultResolvConf = "/etc/resolv.conf";

// Where the DNS servers are written (vlbd --resolv-conf); /etc/resolv.conf unless set.
void setResolvConfPath(std::string path);
const std::string& resolvConfPath();

// sethostname(); the error names the name and the reason.
Status applyHostname(const std::string& name);

// resolv.conf text: a header line saying vlbd wrote it, then one "nameserver" line per server.
std::string resolvConfText(const std::vector<config::IpAddress>& servers);

// Replaces `path` atomically (temp file next to it, fsync, rename, fsync of the directory),
// mode 0644: a reader sees the old file or the new one, never a part.
Status writeResolvConf(const std::string& path, const std::vector<config::IpAddress>& servers);

}  // namespace vlb::mgmt
