#include "mgmt/control/access.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace vlb::mgmt {

std::string_view roleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOperator: return "operator";
    case Role::kNone: break;
  }
  return "none";
}

void decideRole(const AccessGroups& groups, Session& s) {
  s.user = std::to_string(s.uid);
  std::vector<gid_t> member_of{s.gid};
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(s.uid, &pw, buf.data(), buf.size(), &found) == 0 && found) {
    s.user = found->pw_name;
    int n = 64;  // groups; grown once if the user is in more
    std::vector<gid_t> list(static_cast<size_t>(n));
    if (getgrouplist(found->pw_name, s.gid, list.data(), &n) < 0) {
      list.resize(size_t(n));
      getgrouplist(found->pw_name, s.gid, list.data(), &n);
    }
    list.resize(size_t(n > 0 ? n : 0));
    member_of.insert(member_of.end(), list.begin(), list.end());
  }
  auto gidOf = [&](const std::string& name) -> std::optional<gid_t> {
    std::vector<char> gbuf(16384);
    group gr{};
    group* g = nullptr;
    if (getgrnam_r(name.c_str(), &gr, gbuf.data(), gbuf.size(), &g) == 0 && g) return g->gr_gid;
    return std::nullopt;
  };
  auto isMember = [&](const std::string& name) {
    const auto gid = gidOf(name);
    if (!gid) return false;
    for (gid_t m : member_of)
      if (m == *gid) return true;
    return false;
  };
  if (s.uid == 0) {
    s.role = Role::kAdmin, s.why_role = "root";
  } else if (isMember(groups.admin)) {
    s.role = Role::kAdmin, s.why_role = "group " + groups.admin;
  } else if (isMember(groups.operators)) {
    s.role = Role::kOperator, s.why_role = "group " + groups.operators;
  } else {
    s.role = Role::kNone;
    s.why_role = "neither in group " + groups.admin + " nor in group " + groups.operators;
  }
}

}  // namespace vlb::mgmt
