// The configuration commands of the control API (the Junos/F5 way of docs/shell.md): each session
// edits its own candidate with set/delete (create/modify), looks at it with show candidate and
// compare, checks it with commit check, and commits it: validate whole → apply live → persist
// (revisions) → the new running configuration. commit confirmed N reverts unless confirmed;
// rollback N loads an old revision into the candidate; discard drops the candidate.
// Two editors: a candidate remembers the running revision it began from; committing it after
// someone else committed is refused (compare and redo, or discard).
#include <chrono>
#include <string>

#include <filesystem>

#include "l7/tls/key_store.h"
#include "mgmt/daemon/appliance.h"
#include "mgmt/daemon/log.h"
#include "mgmt/model/model.h"
#include "mgmt/revisions/revision_json.h"

namespace vlb::mgmt {
namespace {

using json = nlohmann::ordered_json;

json linesResult(const std::vector<std::string>& lines) { return json{{"lines", lines}}; }

std::string joinWords(const Words& w) {
  std::string s;
  for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

// "30" (minutes, as Junos), "90s", "5m".
Result<std::chrono::seconds> confirmTimeout(const std::string& word) {
  if (word.empty()) return fail("commit confirmed: expected a time, e.g. 5 (minutes) or 90s");
  size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(word, &used);
  } catch (...) {
    return fail("commit confirmed: \"" + word + "\" is not a time, e.g. 5 (minutes) or 90s");
  }
  const std::string unit = word.substr(used);
  if (n == 0 || n > 24 * 3600 || !(unit.empty() || unit == "m" || unit == "s"))
    return fail("commit confirmed: \"" + word + "\" is not a time from 1s to 1440 minutes");
  return std::chrono::seconds(unit == "s" ? n : n * 60);
}

}  // namespace

bool Appliance::candidateDiffers(const Session& s) const {
  return s.candidate && model::canonical(model::standardRegistry(), *s.candidate) !=
                            model::canonical(model::standardRegistry(), running_doc_);
}

Status Appliance::commitDocument(const json& doc, const std::string& user, const std::string& comment) {
  auto next = config::parseConfig(doc.dump());
  if (!next) return Error{next.error()};
  // Settings given on vlbd's command line stay as they are.
  next->eal.file_prefix = cfg_.eal.file_prefix;
  next->control.socket = cfg_.control.socket;
  if (auto st = applyConfig(*next); !st) return st;
  running_doc_ = model::canonical(model::standardRegistry(), doc);
  ++revision_;
  if (store_) {
    if (auto st = store_->save(model::renderJson(model::standardRegistry(), running_doc_),
                               {user, comment, std::chrono::system_clock::now()});
        !st)
      return fail("applied, but not saved: " + st.error());
  }
  logLine("commit " + std::to_string(revision_) + " by " + user + (comment.empty() ? "" : ": " + comment));
  return Ok{};
}

// A pending `commit confirmed` whose time is up: back to the configuration before it.
void Appliance::expireConfirmedCommit() {
  if (!confirm_deadline_ || std::chrono::steady_clock::now() < *confirm_deadline_) return;
  confirm_deadline_.reset();
  logLine("WARNING: commit confirmed was not confirmed in time: rolling back");
  if (auto st = commitDocument(confirm_previous_, "vlbd", "rollback: commit confirmed not confirmed"); !st)
    logLine("ERROR: the automatic rollback failed: " + st.error());
}

void Appliance::registerConfigCommands() {
  const model::Registry& reg = model::standardRegistry();

  auto edit = [this, &reg](const std::string& verb) {
    return [this, &reg, verb](const Words& a, Session& s) -> Result<json> {
      if (!s.candidate) {
        s.candidate = running_doc_;
        s.base_revision = revision_;
      }
      Words words{verb};
      words.insert(words.end(), a.begin(), a.end());
      if (auto st = model::applyCommand(reg, *s.candidate, words); !st) return fail(st.error());
      return json{{"changed", candidateDiffers(s)}};
    };
  };
  auto completer = [this, &reg](const std::string& verb) {
    return [this, &reg, verb](const Words& a, const std::string& partial, const Session& s) {
      Words words{verb};
      words.insert(words.end(), a.begin(), a.end());
      return model::complete(reg, s.candidate ? *s.candidate : running_doc_, words, partial);
    };
  };
  for (const char* verb : {"set", "delete", "create", "modify", "insert"})
    commands_.add(verb, std::string(verb) + " PATH [VALUE]...: edit the candidate configuration", edit(verb),
                  Role::kAdmin, completer(verb));

  // A PFX's key and certificate stored as PEM files (key 0600) next to the saved configuration,
  // and a certificate object naming them added to the candidate: `commit` puts it to use.
  commands_.add("import certificate", "import certificate NAME pfx FILE password PASSWORD (into the candidate)",
                [this](const Words& a, Session& s) -> Result<json> {
    if (a.size() != 5 || a[1] != "pfx" || a[3] != "password")
      return fail("usage: import certificate NAME pfx FILE password PASSWORD");
    if (!store_) return fail("import certificate: vlbd keeps no files (started without --state-dir)");
    const auto dir = store_->currentPath().parent_path() / "certs";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    auto stored = ::vlb::l7::tls::importPfx(a[2], a[4], dir.string(), a[0]);
    if (!stored) return fail("import certificate " + a[0] + ": " + stored.error());
    if (!s.candidate) {
      s.candidate = running_doc_;
      s.base_revision = revision_;
    }
    const Words set{"set", "certificate", a[0], "cert-file", stored->certificate_path, "key-file",
                    stored->key_path};
    if (auto st = model::applyCommand(model::standardRegistry(), *s.candidate, set); !st) return fail(st.error());
    return json{{"certificate", a[0]}, {"cert_file", stored->certificate_path},
                {"key_file", stored->key_path}, {"changed", candidateDiffers(s)}};
  }, Role::kAdmin);

  commands_.add("show candidate", "the candidate configuration as set commands",
                [this, &reg](const Words& a, Session& s) -> Result<json> {
    if (!a.empty()) return fail("\"show candidate\" takes no arguments");
    return linesResult(model::renderSetLines(reg, s.candidate ? *s.candidate : running_doc_,
                                             model::Secrets::kMasked));
  }, Role::kAdmin);
  commands_.add("show running-config", "the running configuration: as set commands, or `json`",
                [this, &reg](const Words& a) -> Result<json> {
    if (a.size() == 1 && a[0] == "json")
      return json{{"text", model::renderJson(reg, running_doc_, model::Secrets::kMasked)}};
    if (!a.empty()) return fail("usage: show running-config [json]");
    return linesResult(model::renderSetLines(reg, running_doc_, model::Secrets::kMasked));
  });
  commands_.add("compare", "the candidate against the running configuration (or: compare rollback N)",
                [this, &reg](const Words& a, Session& s) -> Result<json> {
    json from = running_doc_;
    if (a.size() == 2 && a[0] == "rollback") {
      if (!store_) return fail("compare rollback: vlbd keeps no revisions (started without --state-dir)");
      unsigned n = 0;
      try { n = unsigned(std::stoul(a[1])); } catch (...) { return fail("compare rollback: N is a number"); }
      auto text = store_->get(n);
      if (!text) return fail(text.error());
      from = json::parse(*text, nullptr, false);
      if (from.is_discarded()) return fail("revision " + a[1] + " is not JSON");
    } else if (!a.empty()) {
      return fail("usage: compare [rollback N]");
    }
    return linesResult(model::compare(reg, from, s.candidate ? *s.candidate : running_doc_));
  }, Role::kAdmin);
  commands_.add("discard", "drop the candidate's changes", [](const Words& a, Session& s) -> Result<json> {
    if (!a.empty()) return fail("\"discard\" takes no arguments");
    s.candidate.reset();
    return json{{"discarded", true}};
  }, Role::kAdmin);
  commands_.add("rollback", "load revision N (0 = running, 1 = previous…) into the candidate",
                [this](const Words& a, Session& s) -> Result<json> {
    if (a.size() != 1) return fail("usage: rollback N");
    if (!store_) return fail("rollback: vlbd keeps no revisions (started without --state-dir)");
    unsigned n = 0;
    try { n = unsigned(std::stoul(a[0])); } catch (...) { return fail("rollback: \"" + a[0] + "\" is not a number"); }
    auto text = store_->get(n);
    if (!text) return fail(text.error());
    auto doc = json::parse(*text, nullptr, false);
    if (doc.is_discarded()) return fail("revision " + a[0] + " is not JSON");
    s.candidate = doc;
    s.base_revision = revision_;
    return json{{"loaded", n}, {"changed", candidateDiffers(s)}};
  }, Role::kAdmin);
  commands_.add("show system commit", "the saved revisions, newest first (rollback numbers)",
                [this](const Words&) -> Result<json> {
    if (!store_) return json{{"revisions", json::array()}};
    auto list = store_->list();
    if (!list) return fail(list.error());
    return json{{"revisions", revisions::revisionsToJson(*list)}};
  });

  commands_.add("commit", "commit check | commit [confirmed N] [comment TEXT]",
                [this](const Words& a, Session& s) -> Result<json> {
    Words args = a;
    std::string comment;
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i] == "comment") {
        Words rest(args.begin() + long(i) + 1, args.end());
        comment = joinWords(rest);
        args.resize(i);
        break;
      }
    const json doc = s.candidate ? *s.candidate : running_doc_;
    if (args.size() == 1 && args[0] == "check") {
      if (auto st = model::checkDocument(doc); !st) return fail(st.error());
      auto parsed = config::parseConfig(doc.dump());
      if (!parsed) return fail(parsed.error());
      if (auto compiled = compileServices(*parsed, services_.get(), down_reals_); !compiled)
        return fail(compiled.error());
      if (auto st = checkL7(*parsed); !st) return fail(st.error());
      return json{{"check", "ok"}};
    }
    std::optional<std::chrono::seconds> confirm;
    if (!args.empty() && args[0] == "confirmed") {
      auto t = confirmTimeout(args.size() > 1 ? args[1] : "");
      if (!t) return fail(t.error());
      confirm = *t;
      args.erase(args.begin(), args.begin() + std::min<long>(2, long(args.size())));
    } else if (!args.empty() && args[0] == "confirm") {
      args.erase(args.begin());
    }
    if (!args.empty()) return fail("usage: commit [check | confirmed N] [comment TEXT]");
    if (s.candidate && s.base_revision != revision_)
      return fail("commit refused: the running configuration changed since this candidate began "
                  "(revision " + std::to_string(s.base_revision) + ", now " + std::to_string(revision_) +
                  "); compare, then discard and edit again");
    const bool changes = candidateDiffers(s);
    const json previous = running_doc_;
    if (changes) {
      if (auto st = commitDocument(doc, s.user, comment); !st) return fail(st.error());
    }
    s.candidate.reset();
    json reply{{"committed", changes}, {"revision", revision_}};
    if (confirm) {
      confirm_deadline_ = std::chrono::steady_clock::now() + *confirm;
      confirm_previous_ = previous;
      reply["rollback_in_seconds"] = confirm->count();
    } else if (confirm_deadline_) {
      confirm_deadline_.reset();
      reply["confirmed"] = true;
    }
    return reply;
  }, Role::kAdmin);
}

}  // namespace vlb::mgmt
