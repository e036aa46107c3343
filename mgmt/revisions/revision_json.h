// The revision list as the control API returns it, for `show system commit` (a table in vlbsh):
// [{"rollback": 0, "time": "2026-11-21 15:27:27 UTC", "user": …, "comment": …, "size": …}].
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "mgmt/revisions/revision_store.h"

namespace vlb::revisions {

nlohmann::ordered_json revisionsToJson(const std::vector<RevisionInfo>& revisions);

// "YYYY-MM-DD HH:MM:SS UTC".
std::string formatUtc(std::chrono::system_clock::time_point time);

}  // namespace vlb::revisions
