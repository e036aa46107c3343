// RevisionStore: atomic saves, the numbered archive, and the boot-time fallback.
#include "mgmt/revisions/revision_store.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace vlb::revisions {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

constexpr const char* kMetaSuffix = ".meta.json";

// "r000042.json" → 42; anything else → 0 (sequences start at 1).
uint64_t sequenceOf(const std::string& name) {
  if (name.size() < 7 || name[0] != 'r' || !name.ends_with(".json") || name.ends_with(kMetaSuffix))
    return 0;
  const std::string digits = name.substr(1, name.size() - 6);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  return std::stoull(digits);
}

std::string sequenceName(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "r%06llu", static_cast<unsigned long long>(seq));
  return buf;
}

}  // namespace

bool RevisionStore::isArchived(const std::string& text, const std::vector<uint64_t>& newest_first) const {
  if (newest_first.empty()) return false;
  auto newest = readWholeFile(revisionPath(newest_first.front()));
  return newest && *newest == text;
}

RevisionStore::RevisionStore(fs::path dir, size_t keep)
    : dir_(std::move(dir)), current_(dir_ / kCurrentName), archive_(dir_ / kArchiveDir),
      keep_(std::max<size_t>(keep, 1)) {}

fs::path RevisionStore::revisionPath(uint64_t seq) const { return archive_ / (sequenceName(seq) + ".json"); }
fs::path RevisionStore::metaPath(uint64_t seq) const { return archive_ / (sequenceName(seq) + kMetaSuffix); }

Result<std::vector<uint64_t>> RevisionStore::sequences() const {
  std::vector<uint64_t> seqs;
  std::error_code ec;
  if (!fs::exists(archive_, ec)) return seqs;
  for (fs::directory_iterator it(archive_, ec), end; !ec && it != end; it.increment(ec))
    if (uint64_t s = sequenceOf(it->path().filename().string())) seqs.push_back(s);
  if (ec) return fail("cannot list revisions in " + archive_.string() + ": " + ec.message());
  std::sort(seqs.rbegin(), seqs.rend());
  return seqs;
}

RevisionMeta RevisionStore::readMeta(uint64_t seq) const {
  RevisionMeta meta{"unknown", "(no metadata)", {}};
  auto text = readWholeFile(metaPath(seq));
  if (!text) return meta;
  auto doc = json::parse(*text, nullptr, false);
  if (!doc.is_object()) return meta;
  meta.user = doc.value("user", meta.user);
  meta.comment = doc.value("comment", std::string());
  meta.time = std::chrono::system_clock::time_point(std::chrono::seconds(doc.value("time", int64_t(0))));
  return meta;
}

Status RevisionStore::archive(const std::string& text, const RevisionMeta& meta, uint64_t seq) {
  std::error_code ec;
  fs::create_directories(archive_, ec);
  if (ec) return fail("cannot create the revision directory " + archive_.string() + ": " + ec.message());
  const int64_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(meta.time.time_since_epoch()).count();
  const json doc = {{"user", meta.user}, {"comment", meta.comment}, {"time", secs}};
  // Metadata first: a revision exists once its text does, and then its metadata is there too.
  Status wrote = writeFileAtomically(metaPath(seq), doc.dump(2) + "\n", hook_);
  if (!wrote) return wrote;
  return writeFileAtomically(revisionPath(seq), text, hook_);
}

Status RevisionStore::prune(const std::vector<uint64_t>& newest_first) {
  for (size_t i = keep_; i < newest_first.size(); ++i) {
    std::error_code ec;
    fs::remove(revisionPath(newest_first[i]), ec);
    if (ec) return fail("cannot remove old revision " + revisionPath(newest_first[i]).string() + ": " + ec.message());
    fs::remove(metaPath(newest_first[i]), ec);
  }
  return Ok{};
}

Status RevisionStore::save(const std::string& text, const RevisionMeta& meta) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return fail("cannot create the configuration directory " + dir_.string() + ": " + ec.message());
  auto seqs = sequences();
  if (!seqs) return fail(seqs.error());
  const uint64_t next = seqs->empty() ? 1 : seqs->front() + 1;
  // The current file first: it is what the next boot reads. A crash before the archive is
  // repaired by loadAtBoot.
  Status wrote = writeFileAtomically(current_, text, hook_);
  if (!wrote) return wrote;
  wrote = archive(text, meta, next);
  if (!wrote) return wrote;
  seqs->insert(seqs->begin(), next);
  return prune(*seqs);
}

Result<std::vector<RevisionInfo>> RevisionStore::list() const {
  auto seqs = sequences();
  if (!seqs) return fail(seqs.error());
  std::vector<RevisionInfo> out;
  for (uint64_t seq : *seqs) {
    std::error_code ec;
    const auto size = fs::file_size(revisionPath(seq), ec);
    out.push_back({unsigned(out.size()), seq, readMeta(seq), ec ? 0 : uint64_t(size)});
  }
  return out;
}

Result<std::string> RevisionStore::get(unsigned n) const {
  auto seqs = sequences();
  if (!seqs) return fail(seqs.error());
  if (n >= seqs->size())
    return fail("no revision " + std::to_string(n) + ": " + archive_.string() + " holds " +
                std::to_string(seqs->size()) + " (0 to " +
                (seqs->empty() ? std::string("none") : std::to_string(seqs->size() - 1)) + ")");
  return readWholeFile(revisionPath((*seqs)[n]));
}

std::vector<std::string> RevisionStore::removeStrayTempFiles() {
  std::vector<std::string> removed;
  for (const auto& dir : {dir_, archive_}) {
    std::error_code ec;
    std::vector<fs::path> stray;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (isTempFileName(it->path().filename().string())) stray.push_back(it->path());
    for (const auto& p : stray) {
      fs::remove(p, ec);
      removed.push_back("removed " + p.string() + ", left by an interrupted save" +
                        (ec ? " (failed: " + ec.message() + ")" : std::string()));
    }
  }
  return removed;
}

Result<BootConfig> RevisionStore::loadAtBoot(const Validator& validate) {
  BootConfig boot;
  boot.problems = removeStrayTempFiles();
  auto seqs = sequences();
  if (!seqs) return fail(seqs.error());

  std::error_code ec;
  const bool have_current = fs::exists(current_, ec);
  if (have_current) {
    auto text = readWholeFile(current_);
    if (!text) {
      boot.problems.push_back(text.error());
    } else if (Status valid = validate(*text); !valid) {
      boot.problems.push_back(current_.string() + " is refused: " + valid.error());
    } else {
      boot.origin = BootConfig::Origin::Current;
      boot.text = std::move(*text);
      // A crash between writing the current file and archiving it: archive it now.
      if (!isArchived(boot.text, *seqs)) {
        const uint64_t next = seqs->empty() ? 1 : seqs->front() + 1;
        Status archived = archive(boot.text, {"unknown", "archived at boot: a save was interrupted", std::chrono::system_clock::now()}, next);
        if (!archived) boot.problems.push_back(archived.error());
        else boot.problems.push_back(current_.string() + " was not archived (interrupted save); archived it as revision " + std::to_string(next));
      }
      return boot;
    }
  } else if (seqs->empty()) {
    return boot;  // first boot: nothing saved yet
  } else {
    boot.problems.push_back(current_.string() + " is missing");
  }

  for (uint64_t seq : *seqs) {
    auto text = readWholeFile(revisionPath(seq));
    if (!text) {
      boot.problems.push_back(text.error());
      continue;
    }
    if (Status valid = validate(*text); !valid) {
      boot.problems.push_back("revision " + revisionPath(seq).string() + " is refused: " + valid.error());
      continue;
    }
    boot.origin = BootConfig::Origin::Revision;
    boot.sequence = seq;
    boot.text = std::move(*text);
    boot.problems.push_back("booting from revision " + revisionPath(seq).string() + " instead of " +
                            current_.string());
    return boot;
  }
  std::string all;
  for (const auto& p : boot.problems) all += (all.empty() ? "" : "; ") + p;
  return fail("no usable configuration in " + dir_.string() + ": " + all);
}

}  // namespace vlb::revisions
