// The typed schema of the configuration: every object kind and field, with its JSON name, its
// shell word and its type. One schema drives the `set`/`delete` grammar, completion, rendering
// as set lines and compare (see README.md). Features add their object kinds to a Registry.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vlb::model {

enum class Type {
  kString,     // any text (a `check` may narrow it)
  kName,       // an object name: 1 to 63 of A-Z a-z 0-9 _ - .
  kHostname,   // RFC 1123 host name
  kIpv4,       // 192.0.2.1
  kIpAddress,  // IPv4 or IPv6
  kPrefix,     // 192.0.2.0/24 or 2001:db8::/64
  kPort,       // 1-65535, a JSON number
  kPortRange,  // 443, 50000-59999 or any: a JSON number or string
  kInteger,    // min..max, a JSON number
  kDuration,   // seconds min..max, a JSON number; the shell also takes 30s, 5m, 2h, 1d
  kSize,       // bytes min..max, a JSON number; the shell also takes 64K, 16M, 2G, 1T
  kBool,       // true or false
  kEnum,       // one of `choices`, a JSON string
  kPath,       // an absolute file path
  kList,       // a JSON array of `item` values; `set` adds one, `delete` removes one
  kMap,        // a JSON object of text keys to `item` values
  kObject,     // a nested JSON object described by `object`
  kKeyedList,  // a JSON array of objects, each addressed by its `key` fields
};

// A narrower check on text values: nullptr when fine, else the reason ("is not ...").
using TextCheck = const char* (*)(std::string_view);

struct Object;

struct Field {
  std::string json;  // JSON name, snake_case
  std::string word;  // shell word: hyphenated, singular for keyed lists
  Type type = Type::kString;
  std::string help;
  int64_t min = 0, max = 0;            // kInteger, kDuration, kSize
  std::vector<std::string> choices;    // kEnum
  TextCheck check = nullptr;           // kString
  std::string expect;                  // kString with a check: what a good value looks like
  std::shared_ptr<const Field> item;   // kList, kMap: the element type
  std::shared_ptr<const Object> object;  // kObject, kKeyedList
  std::vector<std::string> key;        // kKeyedList: JSON fields of the key, joined by ':'
  bool secret = false;                 // a password: shown as ******** (the saved file keeps it)

  bool isScalar() const { return type < Type::kList; }
};

struct Object {
  std::string name;  // for messages and documentation
  std::vector<Field> fields;

  const Field* byWord(std::string_view word) const;
  const Field* byJson(std::string_view json) const;
  size_t indexOfJson(std::string_view json) const;  // fields.size() when unknown
};

// The object kinds of the whole document. Each feature registers its kinds (top-level fields)
// once at start-up; the order of registration is the order of rendering.
class Registry {
 public:
  // Adds a top-level kind; a second kind with the same JSON name or word is a programming
  // error and throws std::logic_error (start-up only, never on a request).
  void add(std::string_view feature, Field kind);
  const Object& root() const { return root_; }
  // The feature that registered a kind, for documentation.
  std::string_view featureOf(std::string_view json) const;

 private:
  Object root_{"configuration", {}};
  std::vector<std::string> features_;
};

// --- builders, used by the registrations (kinds_*.cpp) ---

std::string wordOf(std::string_view json);  // "idle_timeout_s" -> "idle-timeout-s"

Field scalar(std::string_view json, Type type, std::string help);
Field text(std::string_view json, TextCheck check, std::string expect, std::string help);
// A text value shown masked by show commands and compare.
Field secret(std::string_view json, std::string help);
Field integer(std::string_view json, int64_t min, int64_t max, std::string help);
Field duration(std::string_view json, int64_t min, int64_t max, std::string help);
Field size(std::string_view json, int64_t min, int64_t max, std::string help);
Field choice(std::string_view json, std::initializer_list<std::string_view> choices, std::string help);
Field list(std::string_view json, Field item, std::string help);
Field map(std::string_view json, Field value, std::string help);
Field object(std::string_view json, Object object, std::string help);
Field keyedList(std::string_view json, std::string_view word, Object object,
                std::vector<std::string> key, std::string help);

}  // namespace vlb::model
