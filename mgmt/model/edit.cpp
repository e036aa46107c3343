// `set` / `delete` / `create` / `modify` commands applied to a JSON document through the schema.
#include <algorithm>

#include "mgmt/model/model.h"
#include "mgmt/model/path.h"

namespace vlb::model {
namespace {

using detail::fieldWords;
using detail::isKeyField;
using detail::keyHint;

enum class Verb { kSet, kCreate, kModify, kDelete };

// One command being applied: its words, the next word, and the object it has reached.
struct Cursor {
  const std::vector<std::string>& words;
  size_t next = 1;
  Verb verb = Verb::kSet;
  bool last_existed = false;  // whether the last keyed element on the path existed before

  bool done() const { return next >= words.size(); }
  const std::string& take() { return words[next++]; }
};

std::string at(const std::string& where) { return where.empty() ? "" : where + ": "; }

std::string join(const std::string& where, std::string_view word) {
  return where.empty() ? std::string(word) : where + " " + std::string(word);
}

Error unknownWord(const Object& object, const std::vector<std::string>& key, const std::string& where,
                  const std::string& word) {
  if (where.empty())
    return fail("unknown object " + inQuotes(word) + " (expected " + fieldWords(object, key) + ")");
  return fail(at(where) + "unknown field " + inQuotes(word) + " (expected " + fieldWords(object, key) + ")");
}

// The field a word names, refusing unknown words and key fields.
Result<const Field*> fieldOf(const Object& object, const std::vector<std::string>& key,
                             const std::string& where, const std::string& word) {
  const Field* f = object.byWord(word);
  if (f == nullptr) return unknownWord(object, key, where, word);
  if (isKeyField(key, f->json))
    return fail(at(where) + "field " + inQuotes(word) + " is the key; delete the object and set it under the new key");
  return f;
}

Result<Json> valueFor(Cursor& c, const Field& field, const Field& type, const std::string& where) {
  const std::string name = at(where) + "field " + inQuotes(field.word) + ": ";
  if (c.done()) return fail(name + "missing value (expected " + typeHint(type) + ")");
  auto v = parseValue(type, c.take());
  if (!v) return fail(name + v.error());
  return v;
}

Status setIn(const Object& object, const std::vector<std::string>& key, Json& node, Cursor& c,
             const std::string& where);

// Finds or creates the element a key word names, then goes on inside it.
Status setElement(const Field& f, Json& node, Cursor& c, const std::string& where) {
  const std::string list = join(where, f.word);
  if (c.done()) return fail(list + ": missing key (expected " + keyHint(f) + ")");
  const std::string& word = c.take();
  auto key = detail::parseKey(f, word);
  if (!key) return fail(list + ": " + key.error());
  Json& array = node[f.json];
  if (array.is_null()) array = Json::array();
  if (!array.is_array()) return fail(at(where) + "field " + inQuotes(f.word) + " is not a list in the document");
  const std::string name = join(list, detail::keyText(f, *key));
  Json* element = detail::findElement(f, array, *key);
  c.last_existed = element != nullptr;
  if (element == nullptr) {
    if (c.verb == Verb::kModify) return fail(name + " does not exist (modify changes existing objects; use create)");
    array.push_back(std::move(*key));
    element = &array.back();
    detail::sortFields(*f.object, *element);
  }
  return setIn(*f.object, f.key, *element, c, name);
}

Status setIn(const Object& object, const std::vector<std::string>& key, Json& node, Cursor& c,
             const std::string& where) {
  if (where.empty() && c.done())
    return fail("missing object (expected " + fieldWords(object, key) + ")");
  while (!c.done()) {
    const std::string& word = c.take();
    auto found = fieldOf(object, key, where, word);
    if (!found) return fail(found.error());
    const Field& f = **found;
    if (f.isScalar()) {
      auto v = valueFor(c, f, f, where);
      if (!v) return fail(v.error());
      node[f.json] = std::move(*v);
    } else if (f.type == Type::kList) {
      auto v = valueFor(c, f, *f.item, where);
      if (!v) return fail(v.error());
      Json& items = node[f.json];
      if (!items.is_array()) items = Json::array();
      if (std::find(items.begin(), items.end(), *v) == items.end()) items.push_back(std::move(*v));
    } else if (f.type == Type::kMap) {
      if (c.done()) return fail(at(where) + "field " + inQuotes(f.word) + ": missing key (expected <text>)");
      const std::string entry = c.take();
      auto v = valueFor(c, f, *f.item, where);
      if (!v) return fail(v.error());
      Json& entries = node[f.json];
      if (!entries.is_object()) entries = Json::object();
      entries[entry] = std::move(*v);
    } else {
      if (!node.contains(f.json)) node[f.json] = f.type == Type::kObject ? Json::object() : Json::array();
      detail::sortFields(object, node);
      Json& child = node[f.json];
      if (f.type == Type::kKeyedList) return setElement(f, node, c, where);
      if (!child.is_object()) return fail(at(where) + "field " + inQuotes(f.word) + " is not an object in the document");
      return setIn(*f.object, {}, child, c, join(where, f.word));
    }
    detail::sortFields(object, node);
  }
  return Ok{};
}

Status deleteIn(const Object& object, const std::vector<std::string>& key, Json& node, Cursor& c,
                const std::string& where) {
  if (c.done())
    return fail(at(where) + (where.empty() ? "missing object" : "missing field") + " (expected " +
                fieldWords(object, key) + ")");
  const std::string& word = c.take();
  auto found = fieldOf(object, key, where, word);
  if (!found) return fail(found.error());
  const Field& f = **found;
  auto it = node.find(f.json);
  if (it == node.end()) {
    if (where.empty()) return fail(inQuotes(word) + " is not configured");
    return fail(at(where) + "field " + inQuotes(word) + " is not set");
  }
  if (c.done() || f.isScalar()) {
    if (!c.done()) return fail(at(where) + "field " + inQuotes(word) + ": unexpected " + inQuotes(c.take()) + " (delete takes no value)");
    node.erase(it);
    return Ok{};
  }
  Json& child = *it;
  Status result = Ok{};
  if (f.type == Type::kList) {
    auto v = valueFor(c, f, *f.item, where);
    if (!v) return fail(v.error());
    auto item = std::find(child.begin(), child.end(), *v);
    if (item == child.end())
      return fail(at(where) + "field " + inQuotes(word) + ": " + inQuotes(valueWord(*f.item, *v)) + " is not in the list");
    child.erase(item);
  } else if (f.type == Type::kMap) {
    const std::string entry = c.take();
    if (!child.contains(entry)) return fail(at(where) + "field " + inQuotes(word) + ": " + inQuotes(entry) + " is not set");
    child.erase(entry);
  } else if (f.type == Type::kObject) {
    return deleteIn(*f.object, {}, child, c, join(where, word));
  } else {
    const std::string list = join(where, word);
    auto k = detail::parseKey(f, c.take());
    if (!k) return fail(list + ": " + k.error());
    const std::string name = join(list, detail::keyText(f, *k));
    Json* element = detail::findElement(f, child, *k);
    if (element == nullptr) return fail(name + " does not exist");
    if (!c.done()) return deleteIn(*f.object, f.key, *element, c, name);
    child.erase(child.begin() + (element - &child[0]));
  }
  if (!c.done()) return fail(at(where) + "field " + inQuotes(word) + ": unexpected " + inQuotes(c.take()));
  if (child.empty()) node.erase(f.json);
  return result;
}

}  // namespace

Status applyCommand(const Registry& registry, Json& doc, const std::vector<std::string>& words) {
  if (words.empty()) return fail("empty command");
  if (words[0] == "insert") return insertElement(registry, doc, words);
  Verb verb;
  if (words[0] == "set") verb = Verb::kSet;
  else if (words[0] == "create") verb = Verb::kCreate;
  else if (words[0] == "modify") verb = Verb::kModify;
  else if (words[0] == "delete") verb = Verb::kDelete;
  else return fail("unknown command " + inQuotes(words[0]) + " (expected set, delete, create, modify or insert)");
  Json work = doc.is_object() ? doc : Json::object();
  Cursor c{words, 1, verb, false};
  const Object& root = registry.root();
  Status s = verb == Verb::kDelete ? deleteIn(root, {}, work, c, "") : setIn(root, {}, work, c, "");
  if (!s) return fail(words[0] + ": " + s.error());
  if (verb == Verb::kCreate && c.last_existed) {
    std::string path;
    for (size_t i = 1; i < words.size(); ++i) path += (i == 1 ? "" : " ") + words[i];
    return fail("create: the object already exists (use modify or set): " + path);
  }
  doc = std::move(work);
  return Ok{};
}

Status applyLine(const Registry& registry, Json& doc, std::string_view line) {
  auto words = splitWords(line);
  if (!words) return fail(words.error());
  return applyCommand(registry, doc, *words);
}

Result<std::vector<std::string>> splitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (ch == ' ' || ch == '\t') {
      if (in_word) words.push_back(std::move(word)), word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (ch == '\\') {
      if (++i == line.size()) return fail("the line ends with a lone backslash");
      word += line[i];
    } else if (ch == '"' || ch == '\'') {
      size_t end = i + 1;
      for (; end < line.size() && line[end] != ch; ++end) {
        if (ch == '"' && line[end] == '\\' && end + 1 < line.size()) ++end;
        word += line[end];
      }
      if (end >= line.size()) return fail(std::string("unterminated ") + (ch == '"' ? "double" : "single") + " quote");
      i = end;
    } else {
      word += ch;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace vlb::model
