#include "mgmt/config/field_reader.h"

#include <algorithm>
#include <cstdint>

namespace vlb::config::detail {
namespace {

constexpr size_t kMaxShown = 60;  // longer values are cut in messages

std::string shorten(std::string text) {
  if (text.size() > kMaxShown) {
    text.resize(kMaxShown - 3);
    text += "...";
  }
  return text;
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::string ruleText(unsigned min, unsigned max, NumberRule rule) {
  std::string range = "between " + std::to_string(min) + " and " + std::to_string(max);
  switch (rule) {
    case NumberRule::kRange:
      return "is not " + range;
    case NumberRule::kPowerOfTwo:
      return "is not a power of two " + range;
    case NumberRule::kZeroOrRange:
      return "is not 0 or " + range;
  }
  return "is out of range";
}

}  // namespace

std::string describe(const Json& value) {
  return shorten(value.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string quote(std::string_view text) { return describe(Json(std::string(text))); }

FieldReader::FieldReader(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {}

void FieldReader::refuseObject(const std::string& why) {
  if (!ok()) return;
  error_ = where_.empty() ? why : where_ + ": " + why;
}

void FieldReader::adopt(const Status& status) {
  if (ok() && !status.ok()) error_ = status.error();
}

void FieldReader::refuse(std::string_view name, const std::string& why) {
  refuseObject("field " + quote(name) + ": " + why);
}

void FieldReader::onlyFields(std::initializer_list<std::string_view> known) {
  if (!ok()) return;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      refuseObject("unknown field " + quote(key));
      return;
    }
  }
}

const Json* FieldReader::field(std::string_view name, Need need) {
  if (!ok()) return nullptr;
  auto it = object_.find(std::string(name));
  if (it != object_.end()) return &*it;
  if (need == Need::kRequired) refuseObject("missing field " + quote(name));
  return nullptr;
}

const Json* FieldReader::object(std::string_view name, Need need) {
  const Json* v = field(name, need);
  if (v == nullptr || v->is_object()) return v;
  refuse(name, describe(*v) + " is not an object");
  return nullptr;
}

const Json* FieldReader::array(std::string_view name, Need need) {
  const Json* v = field(name, need);
  if (v == nullptr || v->is_array()) return v;
  refuse(name, describe(*v) + " is not an array");
  return nullptr;
}

void FieldReader::boolean(std::string_view name, bool& out) {
  const Json* v = field(name, Need::kOptional);
  if (v == nullptr) return;
  if (!v->is_boolean()) return refuse(name, describe(*v) + " is not a boolean (true or false)");
  out = v->get<bool>();
}

std::string checkText(const Json& value, TextCheck check) {
  if (!value.is_string()) return describe(value) + " is not a string";
  if (check == nullptr) return {};
  const auto& s = value.get_ref<const std::string&>();
  if (const char* why = check(s)) return describe(value) + " " + why;
  return {};
}

void FieldReader::text(std::string_view name, std::string& out, Need need, TextCheck check) {
  const Json* v = field(name, need);
  if (v == nullptr) return;
  if (std::string why = checkText(*v, check); !why.empty()) return refuse(name, why);
  out = v->get<std::string>();
}

void FieldReader::number(std::string_view name, unsigned& out, unsigned min, unsigned max,
                         NumberRule rule) {
  const Json* v = field(name, Need::kOptional);
  if (v == nullptr) return;
  if (!v->is_number_integer()) return refuse(name, describe(*v) + " is not an integer");
  bool fits = v->is_number_unsigned() || v->get<int64_t>() >= 0;
  uint64_t n = fits ? v->get<uint64_t>() : 0;
  if (fits && rule == NumberRule::kZeroOrRange && n == 0) {
    out = 0;
    return;
  }
  fits = fits && n >= min && n <= max;
  if (fits && rule == NumberRule::kPowerOfTwo) fits = isPowerOfTwo(n);
  if (!fits) return refuse(name, describe(*v) + " " + ruleText(min, max, rule));
  out = static_cast<unsigned>(n);
}

void FieldReader::textList(std::string_view name, std::vector<std::string>& out, TextCheck check) {
  const Json* list = array(name, Need::kOptional);
  if (list == nullptr) return;
  std::vector<std::string> items;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (std::string why = checkText(item, check); !why.empty()) {
      return refuse(std::string(name) + "[" + std::to_string(i) + "]", why);
    }
    items.push_back(item.get<std::string>());
  }
  out = std::move(items);
}

}  // namespace vlb::config::detail
