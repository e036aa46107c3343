// `insert PATH-TO-ELEMENT before|after KEY`: moves an element of a keyed list (a rule, a real)
// next to another one of the same list, as Junos does; order matters for rules.
#include <algorithm>

#include "mgmt/model/model.h"
#include "mgmt/model/path.h"

namespace vlb::model {
namespace {

std::string join(const std::string& where, std::string_view word) {
  return where.empty() ? std::string(word) : where + " " + std::string(word);
}

// Index of the element a key word names in `array`, or a refusal naming it.
Result<size_t> indexOf(const Field& list, const Json& array, const std::string& where, const std::string& word) {
  auto key = detail::parseKey(list, word);
  if (!key) return fail(where + ": " + key.error());
  const Json* element = detail::findElement(list, array, *key);
  if (element == nullptr) return fail(join(where, detail::keyText(list, *key)) + " does not exist");
  return static_cast<size_t>(element - &array[0]);
}

}  // namespace

Status insertElement(const Registry& registry, Json& doc, const std::vector<std::string>& words) {
  const Object* object = &registry.root();
  std::vector<std::string> key;
  Json* node = &doc;
  std::string where;
  for (size_t i = 1; i < words.size(); ++i) {
    const Field* f = object->byWord(words[i]);
    if (f == nullptr || detail::isKeyField(key, f->json) ||
        (f->type != Type::kObject && f->type != Type::kKeyedList))
      return fail("insert: " + (where.empty() ? std::string() : where + ": ") + inQuotes(words[i]) +
                  " is not an object or a list of objects");
    auto it = node->find(f->json);
    if (it == node->end()) return fail("insert: " + join(where, f->word) + " is not configured");
    if (f->type == Type::kObject) {
      object = f->object.get(), key.clear(), node = &*it, where = join(where, f->word);
      continue;
    }
    const std::string list = join(where, f->word);
    if (i + 1 >= words.size()) return fail("insert: " + list + ": missing key (expected " + detail::keyHint(*f) + ")");
    auto from = indexOf(*f, *it, list, words[++i]);
    if (!from) return fail("insert: " + from.error());
    if (i + 1 < words.size() && (words[i + 1] == "before" || words[i + 1] == "after")) {
      if (i + 3 != words.size())
        return fail("insert: " + list + ": " + words[i + 1] + " takes one key (expected " + detail::keyHint(*f) + ")");
      auto to = indexOf(*f, *it, list, words[i + 2]);
      if (!to) return fail("insert: " + to.error());
      Json array = *it;
      Json moved = array[*from];
      array.erase(array.begin() + static_cast<std::ptrdiff_t>(*from));
      size_t target = *to - (*from < *to ? 1 : 0) + (words[i + 1] == "after" ? 1 : 0);
      array.insert(array.begin() + static_cast<std::ptrdiff_t>(target), std::move(moved));
      *it = std::move(array);
      return Ok{};
    }
    object = f->object.get(), key = f->key, node = &(*it)[*from];
    where = join(list, words[i]);
  }
  return fail("insert: " + (where.empty() ? std::string("missing object") : where + ": missing before or after"));
}

}  // namespace vlb::model
