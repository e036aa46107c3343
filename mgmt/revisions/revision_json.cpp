// Revision lists as JSON rows.
#include "mgmt/revisions/revision_json.h"

#include <ctime>

namespace vlb::revisions {

std::string formatUtc(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

nlohmann::ordered_json revisionsToJson(const std::vector<RevisionInfo>& revisions) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& r : revisions)
    rows.push_back({{"rollback", r.rollback}, {"time", formatUtc(r.meta.time)}, {"user", r.meta.user},
                    {"comment", r.meta.comment}, {"size", r.size}, {"sequence", r.sequence}});
  return rows;
}

}  // namespace vlb::revisions
