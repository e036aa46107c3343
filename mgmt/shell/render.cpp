#include "mgmt/shell/render.h"

#include <algorithm>
#include <iomanip>

namespace vlb::shell {
namespace {

using json = nlohmann::ordered_json;

std::string scalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_array()) {
    std::string s;
    for (const auto& e : v) s += (s.empty() ? "" : ",") + scalarText(e);
    return s.empty() ? "-" : s;
  }
  return v.dump();
}

bool isScalarColumn(const json& v) {
  return !v.is_object() && !(v.is_array() && !v.empty() && v[0].is_object());
}

// Nested objects (counters, drops) go under their row; zero drops are left out.
void renderNested(std::ostream& out, const std::string& key, const json& obj) {
  std::string line;
  for (const auto& [k, v] : obj.items()) {
    if (key == "drops" && v.is_number() && v.get<uint64_t>() == 0) continue;
    line += "  " + k + "=" + scalarText(v);
  }
  if (key == "drops" && line.empty()) line = "  none";
  out << "    " << key << ":" << line << "\n";
}

void renderTable(std::ostream& out, const json& rows) {
  if (rows.empty()) {
    out << "(none)\n";
    return;
  }
  std::vector<std::string> columns;
  for (const auto& [k, v] : rows[0].items())
    if (isScalarColumn(v)) columns.push_back(k);
  std::vector<size_t> width;
  for (const auto& c : columns) {
    size_t w = c.size();
    for (const auto& r : rows) w = std::max(w, scalarText(r.value(c, json())).size());
    width.push_back(w + 2);
  }
  for (size_t i = 0; i < columns.size(); ++i) out << std::left << std::setw(int(width[i])) << columns[i];
  out << "\n";
  for (const auto& r : rows) {
    for (size_t i = 0; i < columns.size(); ++i)
      out << std::left << std::setw(int(width[i])) << scalarText(r.value(columns[i], json()));
    out << "\n";
    for (const auto& [k, v] : r.items())
      if (v.is_object()) renderNested(out, k, v);
  }
}

}  // namespace

void render(std::ostream& out, const std::vector<std::string>&, const json& result) {
  // {"text": "..."}: printed verbatim (show running-config, compare); {"lines": [...]}: one each.
  if (result.is_object() && result.size() == 1 && result.contains("text") && result["text"].is_string()) {
    const auto& text = result["text"].get_ref<const std::string&>();
    out << text;
    if (!text.empty() && text.back() != '\n') out << "\n";
    return;
  }
  if (result.is_object() && result.size() == 1 && result.contains("lines") && result["lines"].is_array()) {
    for (const auto& line : result["lines"]) out << (line.is_string() ? line.get<std::string>() : line.dump()) << "\n";
    return;
  }
  if (result.is_null()) return;  // a command with nothing to say (set, delete, commit)
  if (!result.is_object()) {
    out << result.dump(2) << "\n";
    return;
  }
  for (const auto& [key, value] : result.items()) {
    if (value.is_array() && (value.empty() || value[0].is_object())) {
      if (result.size() > 1) out << key << ":\n";
      renderTable(out, value);
    } else if (value.is_object()) {
      renderNested(out, key, value);
    } else {
      out << key << ": " << scalarText(value) << "\n";
    }
  }
}

}  // namespace vlb::shell
