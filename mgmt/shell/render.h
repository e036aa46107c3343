// Renders control API answers for people: lists of objects as tables, objects as key: value.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vlb::shell {

void render(std::ostream& out, const std::vector<std::string>& command, const nlohmann::ordered_json& result);

}  // namespace vlb::shell
