// One shell word <-> one JSON value of a schema field: parsing with typed refusals, rendering
// back, and the `<type>` hints completion offers for free values. Internal to mgmt/model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mgmt/common/result.h"
#include "mgmt/model/schema.h"

namespace vlb::model {

using Json = nlohmann::ordered_json;

// `word` as a value of `field` (a scalar field, or the item of a list or map). The refusal reads
// `"word" is not <what> (expected <how>)`, without the object and field (the caller adds them).
Result<Json> parseValue(const Field& field, std::string_view word);
// The word that parseValue turns back into `value`.
std::string valueWord(const Field& field, const Json& value);
// What a free value of `field` looks like, e.g. "<ipv4>", "<0-65535>", "<name>".
std::string typeHint(const Field& field);
// `word` quoted for a command line when it needs it (spaces, quotes, backslashes, empty).
std::string quoteWord(std::string_view word);
// A JSON string as a short literal for messages: "x".
std::string inQuotes(std::string_view text);

}  // namespace vlb::model
