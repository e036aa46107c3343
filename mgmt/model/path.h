// Shared by edit, completion and rendering: keys of keyed-list elements and the order of
// fields in an object. Internal to mgmt/model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/model/schema.h"
#include "mgmt/model/values.h"

namespace vlb::model::detail {

// The key word of an element: its key fields' values joined by ':' ("192.0.2.11:80").
std::string keyText(const Field& list, const Json& element);
// Parses a key word into an object holding the key fields ({"address": ..., "port": 80}).
// Refusal: `"<word>" is not ...` (one key field) or `"<word>": "<part>" is not ...`.
Result<Json> parseKey(const Field& list, std::string_view word);
// The element of `array` whose key fields equal those of `key`, or nullptr.
const Json* findElement(const Field& list, const Json& array, const Json& key);
Json* findElement(const Field& list, Json& array, const Json& key);
// "<name>", "<ipv4>[:<1-65535>]".
std::string keyHint(const Field& list);
bool isKeyField(const std::vector<std::string>& key, std::string_view json);
// Reorders the fields of `node` as in `object` (unknown fields last, in their order).
void sortFields(const Object& object, Json& node);
// "one of: a, b, c" over the words of `object` that are not key fields.
std::string fieldWords(const Object& object, const std::vector<std::string>& key);

}  // namespace vlb::model::detail
