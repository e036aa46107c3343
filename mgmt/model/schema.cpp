// Schema lookups and the builders that registrations use.
#include "mgmt/model/schema.h"

#include <algorithm>
#include <stdexcept>

namespace vlb::model {

const Field* Object::byWord(std::string_view word) const {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.word == word; });
  return it == fields.end() ? nullptr : &*it;
}

const Field* Object::byJson(std::string_view json) const {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.json == json; });
  return it == fields.end() ? nullptr : &*it;
}

size_t Object::indexOfJson(std::string_view json) const {
  const Field* f = byJson(json);
  return f == nullptr ? fields.size() : static_cast<size_t>(f - fields.data());
}

void Registry::add(std::string_view feature, Field kind) {
  if (root_.byJson(kind.json) || root_.byWord(kind.word))
    throw std::logic_error("object kind registered twice: " + kind.json);
  root_.fields.push_back(std::move(kind));
  features_.emplace_back(feature);
}

std::string_view Registry::featureOf(std::string_view json) const {
  size_t i = root_.indexOfJson(json);
  return i < features_.size() ? std::string_view(features_[i]) : std::string_view();
}

std::string wordOf(std::string_view json) {
  std::string word(json);
  std::replace(word.begin(), word.end(), '_', '-');
  return word;
}

Field scalar(std::string_view json, Type type, std::string help) {
  Field f;
  f.json = json;
  f.word = wordOf(json);
  f.type = type;
  f.help = std::move(help);
  return f;
}

Field text(std::string_view json, TextCheck check, std::string expect, std::string help) {
  Field f = scalar(json, Type::kString, std::move(help));
  f.check = check;
  f.expect = std::move(expect);
  return f;
}

Field secret(std::string_view json, std::string help) {
  Field f = scalar(json, Type::kString, std::move(help));
  f.secret = true;
  return f;
}

Field integer(std::string_view json, int64_t min, int64_t max, std::string help) {
  Field f = scalar(json, Type::kInteger, std::move(help));
  f.min = min;
  f.max = max;
  return f;
}

Field duration(std::string_view json, int64_t min, int64_t max, std::string help) {
  Field f = integer(json, min, max, std::move(help));
  f.type = Type::kDuration;
  return f;
}

Field size(std::string_view json, int64_t min, int64_t max, std::string help) {
  Field f = integer(json, min, max, std::move(help));
  f.type = Type::kSize;
  return f;
}

Field choice(std::string_view json, std::initializer_list<std::string_view> choices, std::string help) {
  Field f = scalar(json, Type::kEnum, std::move(help));
  for (std::string_view c : choices) f.choices.emplace_back(c);
  return f;
}

Field list(std::string_view json, Field item, std::string help) {
  Field f = scalar(json, Type::kList, std::move(help));
  item.json = f.json;
  item.word = f.word;
  f.item = std::make_shared<const Field>(std::move(item));
  return f;
}

Field map(std::string_view json, Field value, std::string help) {
  Field f = list(json, std::move(value), std::move(help));
  f.type = Type::kMap;
  return f;
}

Field object(std::string_view json, Object obj, std::string help) {
  Field f = scalar(json, Type::kObject, std::move(help));
  if (obj.name.empty()) obj.name = f.word;
  f.object = std::make_shared<const Object>(std::move(obj));
  return f;
}

Field keyedList(std::string_view json, std::string_view word, Object obj,
                std::vector<std::string> key, std::string help) {
  Field f = object(json, std::move(obj), std::move(help));
  f.type = Type::kKeyedList;
  f.word = word;
  f.key = std::move(key);
  return f;
}

}  // namespace vlb::model
