// RevisionStore: the persisted running configuration and its numbered history.
//
// Layout of the directory:
//   <dir>/running.json                    the current configuration (written atomically)
//   <dir>/revisions/r000042.json          revision 42, verbatim
//   <dir>/revisions/r000042.meta.json     who, when, why ({"user", "comment", "time"})
// Revisions are numbered by a sequence that only grows; rollback numbers count back from the
// newest (0 = current, 1 = previous, … as in Junos). Only the newest `keep` revisions are kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mgmt/common/result.h"
#include "mgmt/revisions/atomic_file.h"

namespace vlb::revisions {

struct RevisionMeta {
  std::string user;
  std::string comment;
  std::chrono::system_clock::time_point time;
};

struct RevisionInfo {
  unsigned rollback = 0;   // 0 = current, 1 = previous, …
  uint64_t sequence = 0;   // the number in the file name; never reused
  RevisionMeta meta;
  uint64_t size = 0;       // bytes of configuration text
};

// What loadAtBoot chose and why.
struct BootConfig {
  enum class Origin { Current, Revision, Nothing };
  Origin origin = Origin::Nothing;  // Nothing: first boot, no file and no revision at all
  std::string text;
  uint64_t sequence = 0;            // for Origin::Revision
  std::vector<std::string> problems;  // every thing found wrong, one sentence each; log them loudly
};

// Says whether a configuration text is acceptable; the error says why not.
using Validator = std::function<Status(const std::string& text)>;

class RevisionStore {
 public:
  static constexpr const char* kCurrentName = "running.json";
  static constexpr const char* kArchiveDir = "revisions";

  explicit RevisionStore(std::filesystem::path dir, size_t keep = 20);

  // Writes `text` atomically as the current configuration, archives it, prunes beyond `keep`.
  Status save(const std::string& text, const RevisionMeta& meta);

  // Newest first.
  Result<std::vector<RevisionInfo>> list() const;

  // The text of rollback `n` (0 = current, 1 = previous, …).
  Result<std::string> get(unsigned n) const;

  // Reads the current file; falls back to the newest revision that validates. Removes temp files
  // an interrupted save left behind, and archives a current file a crash kept from the archive.
  Result<BootConfig> loadAtBoot(const Validator& validate);

  const std::filesystem::path& currentPath() const { return current_; }
  const std::filesystem::path& archiveDir() const { return archive_; }

  // For crash tests: called after every step of every atomic write.
  void setStepHook(StepHook hook) { hook_ = std::move(hook); }

 private:
  Result<std::vector<uint64_t>> sequences() const;  // newest first
  std::filesystem::path revisionPath(uint64_t seq) const;
  std::filesystem::path metaPath(uint64_t seq) const;
  RevisionMeta readMeta(uint64_t seq) const;
  bool isArchived(const std::string& text, const std::vector<uint64_t>& newest_first) const;
  Status archive(const std::string& text, const RevisionMeta& meta, uint64_t seq);
  Status prune(const std::vector<uint64_t>& newest_first);
  std::vector<std::string> removeStrayTempFiles();

  std::filesystem::path dir_, current_, archive_;
  size_t keep_;
  StepHook hook_;
};

}  // namespace vlb::revisions
