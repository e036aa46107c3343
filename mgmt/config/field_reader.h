// FieldReader: reads typed fields out of one JSON object and words the first refusal as
// `<object>: field "<name>": <value> <why>`. Internal to mgmt/config.
//
// The first error sticks: once a read fails, later reads do nothing, so a parser can read every
// field in order and look at ok() once at the end.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"

namespace vlb::config::detail {

using Json = nlohmann::json;

// A check on a string value: returns nullptr when fine, else why it is refused ("is not ...").
using TextCheck = const char* (*)(std::string_view);

enum class Need { kOptional, kRequired };

enum class NumberRule {
  kRange,        // min..max
  kPowerOfTwo,   // a power of two in min..max
  kZeroOrRange,  // 0, or min..max
};

// A JSON value as it would appear in the file, shortened for messages.
std::string describe(const Json& value);
// A string as a JSON literal ("ext"), escaped and shortened for messages.
std::string quote(std::string_view text);

class FieldReader {
 public:
  // `where` names the object in messages (`eal`, `ports[0] "ext"`); empty for the top level.
  FieldReader(const Json& object, std::string where);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& where() const { return where_; }

  // Refuses the first field whose name is not in `known`.
  void onlyFields(std::initializer_list<std::string_view> known);

  // The field's value, or nullptr when absent (a refusal when required) or after an error.
  const Json* field(std::string_view name, Need need);
  // As field(), also refusing a value of the wrong JSON type.
  const Json* object(std::string_view name, Need need);
  const Json* array(std::string_view name, Need need);

  void boolean(std::string_view name, bool& out);
  // Leaves `out` alone when the field is absent. A null `check` accepts any string.
  void text(std::string_view name, std::string& out, Need need, TextCheck check);
  void number(std::string_view name, unsigned& out, unsigned min, unsigned max, NumberRule rule);
  // An array of strings, each passing `check` (when given).
  void textList(std::string_view name, std::vector<std::string>& out, TextCheck check);

  // Records `<where>: field "<name>": <why>` unless an error is already recorded.
  void refuse(std::string_view name, const std::string& why);
  // Records `<where>: <why>` unless an error is already recorded.
  void refuseObject(const std::string& why);
  // Records a nested object's refusal as it is, unless an error is already recorded.
  void adopt(const Status& status);

 private:
  const Json& object_;
  std::string where_;
  std::string error_;
};

// Checks a value read from an array element or elsewhere; same rules as FieldReader::text.
// Returns the refusal wording (`"x" is not ...`) or an empty string.
std::string checkText(const Json& value, TextCheck check);

}  // namespace vlb::config::detail
