// Access control of the control socket: the peer's Unix user and groups decide its role.
// root and members of the admin group are admins; members of the operator group are operators;
// anybody else may connect but is refused every command, with the reason.
#pragma once

#include <sys/types.h>

#include <string>

#include "mgmt/control/session.h"

namespace vlb::mgmt {

struct AccessGroups {
  std::string admin = "vlbadmin";
  std::string operators = "vlbops";
};

// Fills session.user, .role and .why_role from uid/gid (supplementary groups from the system's
// group database).
void decideRole(const AccessGroups& groups, Session& session);

}  // namespace vlb::mgmt
