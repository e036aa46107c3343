// Completion: follows the finished words through the schema (and the document, for existing
// keys) and lists what may come next, filtered by the partial word.
#include <algorithm>

#include "mgmt/model/model.h"
#include "mgmt/model/path.h"

namespace vlb::model {
namespace {

enum class Expect { kField, kKey, kValue, kMapKey, kMapValue, kInsertKey, kNothing };

// How the verb walks: set-like (anything may be created), delete (only what exists), insert
// (only what exists, objects and lists only, then before/after a sibling).
enum class Mode { kSet, kDelete, kInsert };

struct State {
  Expect expect = Expect::kField;
  const Object* object = nullptr;
  std::vector<std::string> key;  // key fields of the element in `object`
  const Json* node = nullptr;    // the object in the document, when it exists
  const Field* field = nullptr;  // for kKey, kValue, kMapKey, kMapValue
  const Field* list = nullptr;   // the keyed list of the element in `object`, if any
  const Json* array = nullptr;   // that list in the document
};

const Json* childOf(const Json* node, const std::string& json) {
  if (node == nullptr || !node->is_object()) return nullptr;
  auto it = node->find(json);
  return it == node->end() ? nullptr : &*it;
}

// Moves the state over one finished word; false when the word does not fit.
bool advance(State& s, const std::string& word, Mode mode) {
  const bool deleting = mode != Mode::kSet;
  switch (s.expect) {
    case Expect::kField: {
      if (mode == Mode::kInsert && s.list && (word == "before" || word == "after")) {
        s.expect = Expect::kInsertKey;
        return true;
      }
      const Field* f = s.object->byWord(word);
      if (f == nullptr || detail::isKeyField(s.key, f->json)) return false;
      if (mode == Mode::kInsert && f->type != Type::kObject && f->type != Type::kKeyedList) return false;
      s.field = f;
      if (f->type == Type::kObject) {
        s = State{Expect::kField, f->object.get(), {}, childOf(s.node, f->json), nullptr};
      } else if (f->type == Type::kKeyedList) {
        s.expect = Expect::kKey;
      } else if (f->type == Type::kMap) {
        s.expect = Expect::kMapKey;
      } else {
        s.expect = deleting && f->isScalar() ? Expect::kNothing : Expect::kValue;
      }
      return true;
    }
    case Expect::kKey: {
      const Field& f = *s.field;
      auto key = detail::parseKey(f, word);
      const Json* list = childOf(s.node, f.json);
      const Json* element = key && list ? detail::findElement(f, *list, *key) : nullptr;
      if (deleting && element == nullptr) return false;
      s = State{Expect::kField, f.object.get(), f.key, element, nullptr, &f, list};
      return true;
    }
    case Expect::kValue:
    case Expect::kMapValue:
      s.expect = deleting ? Expect::kNothing : Expect::kField;
      return true;
    case Expect::kMapKey:
      s.expect = deleting ? Expect::kNothing : Expect::kMapValue;
      return true;
    case Expect::kInsertKey:
      s.expect = Expect::kNothing;
      return true;
    case Expect::kNothing:
      return false;
  }
  return false;
}

std::vector<std::string> candidates(const State& s, Mode mode) {
  const bool deleting = mode != Mode::kSet;
  std::vector<std::string> out;
  const Json* here = s.field ? childOf(s.node, s.field->json) : nullptr;
  switch (s.expect) {
    case Expect::kField:
      for (const Field& f : s.object->fields)
        if (!detail::isKeyField(s.key, f.json) && (!deleting || childOf(s.node, f.json)) &&
            (mode != Mode::kInsert || f.type == Type::kObject || f.type == Type::kKeyedList))
          out.push_back(f.word);
      if (mode == Mode::kInsert && s.list) out.insert(out.begin(), {"after", "before"});
      break;
    case Expect::kInsertKey:
      if (s.array && s.array->is_array())
        for (const Json& element : *s.array) out.push_back(detail::keyText(*s.list, element));
      break;
    case Expect::kKey:
      if (here && here->is_array())
        for (const Json& element : *here) out.push_back(detail::keyText(*s.field, element));
      if (!deleting) out.push_back(detail::keyHint(*s.field));
      break;
    case Expect::kValue: {
      const Field& type = s.field->type == Type::kList ? *s.field->item : *s.field;
      if (deleting && here && here->is_array()) {
        for (const Json& item : *here) out.push_back(valueWord(type, item));
      } else if (type.type == Type::kEnum) {
        out = type.choices;
      } else if (type.type == Type::kBool) {
        out = {"false", "true"};
      } else {
        out.push_back(typeHint(type));
      }
      break;
    }
    case Expect::kMapKey:
      if (here && here->is_object())
        for (const auto& [k, v] : here->items()) out.push_back(k);
      if (!deleting) out.push_back("<text>");
      break;
    case Expect::kMapValue:
      out.push_back(typeHint(*s.field->item));
      break;
    case Expect::kNothing:
      break;
  }
  return out;
}

}  // namespace

std::vector<std::string> complete(const Registry& registry, const Json& doc,
                                  const std::vector<std::string>& words, std::string_view partial) {
  std::vector<std::string> out;
  if (words.empty()) {
    out = {"create", "delete", "insert", "modify", "set"};
  } else {
    const std::string& verb = words[0];
    if (verb != "set" && verb != "delete" && verb != "create" && verb != "modify" && verb != "insert")
      return {};
    const Mode mode = verb == "delete" ? Mode::kDelete : verb == "insert" ? Mode::kInsert : Mode::kSet;
    State s{Expect::kField, &registry.root(), {}, &doc, nullptr};
    for (size_t i = 1; i < words.size(); ++i)
      if (!advance(s, words[i], mode)) return {};
    out = candidates(s, mode);
  }
  std::vector<std::string> matching;
  for (std::string& c : out)
    if ((c.rfind(partial, 0) == 0 || (c.front() == '<' && c.size() > 1)) &&
        std::find(matching.begin(), matching.end(), c) == matching.end())
      matching.push_back(std::move(c));
  return matching;
}

}  // namespace vlb::model
