// The document as `set` lines and as canonical JSON text.
#include "mgmt/model/model.h"
#include "mgmt/model/path.h"

namespace vlb::model {
namespace {

using detail::isKeyField;

void renderObject(const Object& object, const std::vector<std::string>& key, const Json& node,
                  const std::string& prefix, Secrets secrets, std::vector<std::string>& out) {
  if (!node.is_object()) return;
  for (const Field& f : object.fields) {
    auto it = node.find(f.json);
    if (it == node.end() || isKeyField(key, f.json)) continue;
    const Json& v = *it;
    const std::string p = prefix + " " + f.word;
    if (f.isScalar()) {
      const bool mask = f.secret && secrets == Secrets::kMasked;
      out.push_back(p + " " + quoteWord(mask ? std::string(kMasked) : valueWord(f, v)));
    } else if (f.type == Type::kList && v.is_array()) {
      for (const Json& item : v) out.push_back(p + " " + quoteWord(valueWord(*f.item, item)));
    } else if (f.type == Type::kMap && v.is_object()) {
      for (const auto& [k, item] : v.items())
        out.push_back(p + " " + quoteWord(k) + " " + quoteWord(valueWord(*f.item, item)));
    } else if (f.type == Type::kObject && v.is_object()) {
      const size_t before = out.size();
      renderObject(*f.object, {}, v, p, secrets, out);
      if (out.size() == before) out.push_back(p);
    } else if (f.type == Type::kKeyedList && v.is_array()) {
      for (const Json& element : v) {
        const std::string ep = p + " " + quoteWord(detail::keyText(f, element));
        const size_t before = out.size();
        renderObject(*f.object, f.key, element, ep, secrets, out);
        if (out.size() == before) out.push_back(ep);
      }
    }
  }
}

Json canonicalObject(const Object& object, const Json& node, Secrets secrets) {
  Json out = node;
  for (const Field& f : object.fields) {
    auto it = out.find(f.json);
    if (it == out.end()) continue;
    if (f.secret && secrets == Secrets::kMasked) {
      *it = kMasked;
    } else if ((f.type == Type::kList || f.type == Type::kMap || f.type == Type::kKeyedList) && it->empty()) {
      out.erase(it);
    } else if (f.type == Type::kObject && it->is_object()) {
      *it = canonicalObject(*f.object, *it, secrets);
    } else if (f.type == Type::kKeyedList && it->is_array()) {
      for (Json& element : *it)
        if (element.is_object()) element = canonicalObject(*f.object, element, secrets);
    }
  }
  detail::sortFields(object, out);
  return out;
}

}  // namespace

std::vector<std::string> renderSetLines(const Registry& registry, const Json& doc, Secrets secrets) {
  std::vector<std::string> out;
  renderObject(registry.root(), {}, doc, "set", secrets, out);
  return out;
}

Json canonical(const Registry& registry, const Json& doc) {
  if (!doc.is_object()) return doc;
  return canonicalObject(registry.root(), doc, Secrets::kShown);
}

std::string renderJson(const Registry& registry, const Json& doc, Secrets secrets) {
  const Json out = doc.is_object() ? canonicalObject(registry.root(), doc, secrets) : doc;
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace vlb::model
