// Who is on the other end of a control connection, and what they are doing: the peer's
// credentials (SO_PEERCRED), the role they were admitted with, and their candidate
// configuration while they edit one. One Session per connection, alive as long as it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vlb::mgmt {

// Operators look and take reals in and out of service; admins may do everything.
enum class Role : uint8_t { kNone, kOperator, kAdmin };
std::string_view roleName(Role role);

struct Session {
  uint64_t id = 0;
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;     // the peer's user name (or its uid)
  Role role = Role::kNone;
  std::string why_role;  // how the role was decided, for denials ("group vlbops")

  // The configuration being edited (the JSON document), and the running revision it started
  // from: a commit of a candidate begun on an older revision is refused (two editors).
  std::optional<nlohmann::ordered_json> candidate;
  uint64_t base_revision = 0;
};

}  // namespace vlb::mgmt
