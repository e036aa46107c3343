// Keys of keyed-list elements and field order (see path.h).
#include "mgmt/model/path.h"

#include <algorithm>

namespace vlb::model::detail {

std::string keyText(const Field& list, const Json& element) {
  std::string out;
  for (size_t i = 0; i < list.key.size(); ++i) {
    auto it = element.find(list.key[i]);
    if (it == element.end()) continue;
    const Field* f = list.object->byJson(list.key[i]);
    out += (i == 0 ? "" : ":") + valueWord(*f, *it);
  }
  return out;
}

Result<Json> parseKey(const Field& list, std::string_view word) {
  Json key = Json::object();
  std::string_view rest = word;
  for (size_t i = 0; i < list.key.size(); ++i) {
    const bool last = i + 1 == list.key.size();
    size_t colon = last ? std::string_view::npos : rest.find(':');
    std::string_view part = rest.substr(0, colon);
    const Field* f = list.object->byJson(list.key[i]);
    if (part.empty() && i > 0) break;
    auto v = parseValue(*f, part);
    if (!v) return fail(list.key.size() == 1 ? v.error() : inQuotes(word) + ": " + v.error());
    key[f->json] = *v;
    if (colon == std::string_view::npos) break;
    rest = rest.substr(colon + 1);
  }
  return key;
}

template <typename J>
J* findIn(const Field& list, J& array, const Json& key) {
  if (!array.is_array()) return nullptr;
  for (auto& element : array) {
    bool same = element.is_object();
    for (size_t i = 0; same && i < list.key.size(); ++i) {
      auto a = element.find(list.key[i]);
      auto b = key.find(list.key[i]);
      bool ahas = a != element.end(), bhas = b != key.end();
      same = ahas == bhas && (!ahas || *a == *b);
    }
    if (same) return &element;
  }
  return nullptr;
}

const Json* findElement(const Field& list, const Json& array, const Json& key) {
  return findIn(list, array, key);
}

Json* findElement(const Field& list, Json& array, const Json& key) { return findIn(list, array, key); }

std::string keyHint(const Field& list) {
  std::string out;
  for (size_t i = 0; i < list.key.size(); ++i) {
    std::string hint = typeHint(*list.object->byJson(list.key[i]));
    out += i == 0 ? hint : "[:" + hint + "]";
  }
  return out;
}

bool isKeyField(const std::vector<std::string>& key, std::string_view json) {
  return std::find(key.begin(), key.end(), json) != key.end();
}

void sortFields(const Object& object, Json& node) {
  if (!node.is_object()) return;
  Json sorted = Json::object();
  for (const Field& f : object.fields)
    if (auto it = node.find(f.json); it != node.end()) sorted[f.json] = std::move(*it);
  for (auto& [name, value] : node.items())
    if (!object.byJson(name)) sorted[name] = std::move(value);
  node = std::move(sorted);
}

std::string fieldWords(const Object& object, const std::vector<std::string>& key) {
  std::string out;
  for (const Field& f : object.fields)
    if (!isKeyField(key, f.json)) out += (out.empty() ? "" : ", ") + f.word;
  return "one of: " + out;
}

}  // namespace vlb::model::detail
