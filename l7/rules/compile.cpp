// RuleSetSpec -> RuleSet: every field checked, errors naming the rule (index and name), the field
// and its value.
#include <unordered_map>
#include <utility>

#include "l7/http/chars.h"
#include "l7/rules/path_normalize.h"
#include "l7/rules/rule_set.h"

namespace vlb::l7::rules {

namespace chars = vlb::l7::http::chars;

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool isToken(std::string_view s) { return !s.empty() && chars::allOf(s, chars::kToken); }

// Field values we put on the wire ourselves: no CR, LF or other controls (no header injection).
bool isFieldValue(std::string_view s) {
  for (char c : s)
    if (c == '\t' || !chars::is(c, chars::kFieldValue)) return false;
  return true;
}

bool isPathPrefix(std::string_view s) {
  if (s.empty() || s.front() != '/') return false;
  for (char c : s)
    if (!chars::is(c, chars::kTarget) || c == '?') return false;
  return true;
}

class Compiler {
 public:
  Status run(const RuleSetSpec& spec);

  std::vector<Rule> rules;
  Action no_match;
  std::vector<std::string> pools;

 private:
  Status rule(const RuleSpec& spec, Rule* out);
  Status header(const HeaderConditionSpec& spec, size_t k, HeaderCondition* out);
  Status action(const ActionSpec& spec, Action* out);

  // "field "value": why" for the current rule; the caller adds the rule prefix.
  static Error bad(std::string_view field, std::string_view value, std::string_view why) {
    return fail(std::string(field) + " " + quoted(value) + ": " + std::string(why));
  }

  std::unordered_map<std::string, uint32_t> pool_index_;
};

Status Compiler::header(const HeaderConditionSpec& spec, size_t k, HeaderCondition* out) {
  const std::string field = "headers[" + std::to_string(k) + "]";
  if (!isToken(spec.name)) return bad(field + ".name", spec.name, "not a header field name");
  out->lower_name = toLower(spec.name);
  out->match = spec.match;
  out->ignore_case = spec.ignore_case;
  switch (spec.match) {
    case HeaderMatch::kPresent:
    case HeaderMatch::kAbsent:
      if (!spec.value.empty())
        return bad(field + ".value", spec.value, "only used with the exact and regex matches");
      break;
    case HeaderMatch::kExact:
      if (!isFieldValue(spec.value))
        return bad(field + ".value", spec.value, "not a header field value");
      out->value = spec.ignore_case ? toLower(spec.value) : spec.value;
      break;
    case HeaderMatch::kRegex: {
      auto re = Regex::compile(spec.value, spec.ignore_case);
      if (!re) return bad(field + ".value", spec.value, re.error());
      out->regex = std::move(*re);
      break;
    }
  }
  return Ok{};
}

Status Compiler::action(const ActionSpec& spec, Action* out) {
  out->kind = spec.kind;
  const std::string status = std::to_string(spec.status);
  switch (spec.kind) {
    case ActionKind::kPool: {
      if (spec.pool.empty()) return bad("action.pool", spec.pool, "a pool action needs a pool");
      out->pool = spec.pool;
      auto [it, added] = pool_index_.try_emplace(spec.pool, uint32_t(pools.size()));
      if (added) pools.push_back(spec.pool);
      out->pool_index = it->second;
      return Ok{};
    }
    case ActionKind::kRedirect: {
      if (spec.status != 301 && spec.status != 302 && spec.status != 303 && spec.status != 307 &&
          spec.status != 308)
        return bad("action.status", status, "a redirect is 301, 302, 303, 307 or 308");
      auto t = RedirectTemplate::compile(spec.location);
      if (!t) return bad("action.location", spec.location, t.error());
      out->status = spec.status;
      out->location = std::move(*t);
      return Ok{};
    }
    case ActionKind::kDeny:
      if (!isFieldValue(spec.content_type))
        return bad("action.content_type", spec.content_type, "not a header field value");
      out->status = 403;
      out->content_type = spec.content_type;
      out->body = spec.body.empty() ? "Forbidden\n" : spec.body;
      return Ok{};
    case ActionKind::kFixed:
      if (spec.status < 200 || spec.status > 599)
        return bad("action.status", status, "a fixed response has a status from 200 to 599");
      if ((spec.status == 204 || spec.status == 304) && !spec.body.empty())
        return bad("action.body", spec.body.substr(0, 40), "a " + status + " response has no body");
      if (!isFieldValue(spec.content_type))
        return bad("action.content_type", spec.content_type, "not a header field value");
      out->status = spec.status;
      out->content_type = spec.content_type;
      out->body = spec.body;
      return Ok{};
  }
  return fail("action.kind: unknown value " + std::to_string(int(spec.kind)));
}

Status Compiler::rule(const RuleSpec& spec, Rule* out) {
  out->name = spec.name;
  for (size_t k = 0; k < spec.hosts.size(); ++k) {
    if (Status s = out->hosts.add(spec.hosts[k]); !s)
      return bad("hosts[" + std::to_string(k) + "]", spec.hosts[k], s.error());
  }
  if (!spec.host_regex.empty()) {
    auto re = Regex::compile(spec.host_regex, true);
    if (!re) return bad("host_regex", spec.host_regex, re.error());
    out->host_regex = std::move(*re);
  }
  out->path_ignore_case = spec.path_ignore_case;
  for (size_t k = 0; k < spec.path_prefixes.size(); ++k) {
    const std::string& p = spec.path_prefixes[k];
    if (!isPathPrefix(p))
      return bad("path_prefixes[" + std::to_string(k) + "]", p,
                 "a path prefix starts with '/' and holds URI characters without '?' or '#'");
    // Normalised like request paths, so "/%6Fwa" and "/owa" are the same prefix.
    std::string scratch;
    const std::string normal(normalizePath(p, scratch));
    out->path_prefixes.push_back(spec.path_ignore_case ? toLower(normal) : normal);
  }
  if (!spec.path_regex.empty()) {
    auto re = Regex::compile(spec.path_regex, spec.path_ignore_case);
    if (!re) return bad("path_regex", spec.path_regex, re.error());
    out->path_regex = std::move(*re);
  }
  for (size_t k = 0; k < spec.methods.size(); ++k) {
    if (!isToken(spec.methods[k]))
      return bad("methods[" + std::to_string(k) + "]", spec.methods[k], "not an HTTP method token");
    out->methods.push_back(spec.methods[k]);
  }
  out->headers.resize(spec.headers.size());
  for (size_t k = 0; k < spec.headers.size(); ++k)
    if (Status s = header(spec.headers[k], k, &out->headers[k]); !s) return s;
  return action(spec.action, &out->action);
}

Status Compiler::run(const RuleSetSpec& spec) {
  rules.resize(spec.rules.size());
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    if (Status s = rule(spec.rules[i], &rules[i]); !s) {
      std::string where = "rules[" + std::to_string(i) + "]";
      if (!spec.rules[i].name.empty()) where += " " + quoted(spec.rules[i].name);
      return fail(where + ": " + s.error());
    }
  }
  if (Status s = action(spec.no_match, &no_match); !s) return fail("no_match: " + s.error());
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<const RuleSet>> compileRuleSet(const RuleSetSpec& spec) {
  Compiler compiler;
  if (Status s = compiler.run(spec); !s) return fail(s.error());
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->rules_ = std::move(compiler.rules);
  set->no_match_ = std::move(compiler.no_match);
  set->pools_ = std::move(compiler.pools);
  return std::unique_ptr<const RuleSet>(std::move(set));
}

}  // namespace vlb::l7::rules
