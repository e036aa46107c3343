// The configuration model's operations, all pure functions on a JSON document
// (nlohmann::ordered_json): `set`/`delete` commands, completion, rendering as set lines or JSON,
// compare, and the whole-document check. The grammar is described in README.md and
// docs/config.md ("Editing with set and delete").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/model/schema.h"
#include "mgmt/model/values.h"

namespace vlb::model {

// Every object kind of VLB, registered by its feature (kinds_*.cpp). Built once, on first use.
const Registry& standardRegistry();
// Adds the standard kinds to `registry` (for a registry that also carries kinds of its own).
void registerStandardKinds(Registry& registry);

// One edit, given as words: `set PATH VALUE [FIELD VALUE]...`, `delete PATH`, with `create`
// (refuses an object that exists) and `modify` (refuses one that does not) as F5-style forms of
// `set`, and `insert` (below). A refused command leaves `doc` unchanged.
Status applyCommand(const Registry& registry, Json& doc, const std::vector<std::string>& words);
// `insert PATH before|after KEY`: moves the element PATH names (e.g. `l7-service owa rule wac`)
// before or after another element of its list. applyCommand passes `insert` commands here.
Status insertElement(const Registry& registry, Json& doc, const std::vector<std::string>& words);
// As applyCommand, on a line split by splitWords.
Status applyLine(const Registry& registry, Json& doc, std::string_view line);
// Splits a command line into words: blanks separate words; "..." and '...' quote (a backslash
// escapes " and \ inside double quotes, and any character outside quotes).
Result<std::vector<std::string>> splitWords(std::string_view line);

// The document as `set` lines, objects in schema order and lists in document order; replaying
// them on an empty document gives canonical(doc).
// Secrets (passwords) are shown as kMasked by show commands; only the saved file has them.
enum class Secrets { kShown, kMasked };
constexpr const char* kMasked = "********";
std::vector<std::string> renderSetLines(const Registry& registry, const Json& doc,
                                        Secrets secrets = Secrets::kShown);
// The document's JSON text (canonical order, 2-space indent, ending with a newline).
std::string renderJson(const Registry& registry, const Json& doc, Secrets secrets = Secrets::kShown);
// Fields of every object in schema order, empty lists and maps dropped; unknown fields kept last.
Json canonical(const Registry& registry, const Json& doc);

// What changes from `from` to `to`, as `- set ...` and `+ set ...` lines in a stable order:
// the set lines of both, diffed line by line (longest common subsequence). A changed secret
// shows as a removed and an added line, both masked.
std::vector<std::string> compare(const Registry& registry, const Json& from, const Json& to);

// Completion of a command being typed: `words` are the finished words (the verb first), `partial`
// the word under the cursor. Candidates are keywords, existing keys, enum values and, where a
// free value is expected, one `<type>` hint such as "<ipv4>".
std::vector<std::string> complete(const Registry& registry, const Json& doc,
                                  const std::vector<std::string>& words, std::string_view partial);

// `commit check`: the document through the configuration parser (mgmt/config), the same
// validation vlbd applies to the file.
Status checkDocument(const Json& doc);

}  // namespace vlb::model
