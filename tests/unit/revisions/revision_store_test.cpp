// RevisionStore: saving, listing, rollback numbers, pruning, boot fallback and crash safety.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mgmt/revisions/revision_json.h"
#include "mgmt/revisions/revision_store.h"

namespace vlb::revisions {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "vlb-revisions-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

RevisionMeta meta(const std::string& user, const std::string& comment, int64_t secs = 1700000000) {
  return {user, comment, std::chrono::system_clock::time_point(std::chrono::seconds(secs))};
}

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::vector<std::string> tempFilesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (isTempFileName(e.path().filename().string())) names.push_back(e.path().filename().string());
  return names;
}

// Accepts JSON-looking texts only, so tests can make a file invalid by garbling it.
Status acceptsBraces(const std::string& text) {
  if (text.empty() || text.front() != '{') return fail("not a JSON object");
  return Ok{};
}

TEST(RevisionStore, SaveWritesCurrentAndArchivesWithMeta) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{\"a\":1}", meta("alice", "first", 1700000001)).ok());
  ASSERT_TRUE(store.save("{\"a\":22}", meta("bob", "second", 1700000002)).ok());
  EXPECT_EQ(*readWholeFile(dir.path() / "running.json"), "{\"a\":22}");
  auto list = store.list();
  ASSERT_TRUE(list.ok()) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].rollback, 0u);
  EXPECT_EQ((*list)[0].sequence, 2u);
  EXPECT_EQ((*list)[0].meta.user, "bob");
  EXPECT_EQ((*list)[0].meta.comment, "second");
  EXPECT_EQ((*list)[0].size, 8u);
  EXPECT_EQ((*list)[1].rollback, 1u);
  EXPECT_EQ((*list)[1].meta.user, "alice");
  EXPECT_EQ((*list)[1].meta.time.time_since_epoch(), std::chrono::seconds(1700000001));
  EXPECT_EQ((*list)[1].size, 7u);
  EXPECT_TRUE(tempFilesIn(dir.path()).empty());
}

TEST(RevisionStore, RollbackNumbersCountBackFromCurrent) {
  TempDir dir;
  RevisionStore store(dir.path());
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(store.save("{" + std::to_string(i) + "}", meta("u", "")).ok());
  EXPECT_EQ(*store.get(0), "{4}");
  EXPECT_EQ(*store.get(1), "{3}");
  EXPECT_EQ(*store.get(3), "{1}");
  auto missing = store.get(4);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no revision 4"), std::string::npos) << missing.error();
  EXPECT_NE(missing.error().find("(0 to 3)"), std::string::npos) << missing.error();
}

TEST(RevisionStore, PrunesBeyondKeepButNumbersNeverRepeat) {
  TempDir dir;
  RevisionStore store(dir.path(), 3);
  for (int i = 1; i <= 7; ++i) ASSERT_TRUE(store.save("{" + std::to_string(i) + "}", meta("u", "")).ok());
  auto list = store.list();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].sequence, 7u);
  EXPECT_EQ((*list)[2].sequence, 5u);
  EXPECT_EQ(*store.get(2), "{5}");
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store.archiveDir())) ++files;
  EXPECT_EQ(files, 6u);  // three texts, three metadata files
}

TEST(RevisionStore, EmptyDirectoryIsAFirstBoot) {
  TempDir dir;
  RevisionStore store(dir.path() / "not-yet");
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok()) << boot.error();
  EXPECT_EQ(boot->origin, BootConfig::Origin::Nothing);
  EXPECT_TRUE(boot->problems.empty());
  EXPECT_TRUE(store.list()->empty());
}

TEST(RevisionStore, BootReadsTheCurrentFileWhenItValidates) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{1}", meta("u", "")).ok());
  ASSERT_TRUE(store.save("{2}", meta("u", "")).ok());
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok()) << boot.error();
  EXPECT_EQ(boot->origin, BootConfig::Origin::Current);
  EXPECT_EQ(boot->text, "{2}");
  EXPECT_TRUE(boot->problems.empty());
}

TEST(RevisionStore, RefusedCurrentFallsBackToNewestValidRevisionAndSaysWhy) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{good}", meta("u", "")).ok());
  ASSERT_TRUE(store.save("{also good}", meta("u", "")).ok());
  writeFile(store.archiveDir() / "r000002.json", "garbage");  // the newest revision is bad too
  writeFile(store.currentPath(), "broken");
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok()) << boot.error();
  EXPECT_EQ(boot->origin, BootConfig::Origin::Revision);
  EXPECT_EQ(boot->sequence, 1u);
  EXPECT_EQ(boot->text, "{good}");
  ASSERT_EQ(boot->problems.size(), 3u);
  EXPECT_EQ(boot->problems[0], store.currentPath().string() + " is refused: not a JSON object");
  EXPECT_EQ(boot->problems[1],
            "revision " + (store.archiveDir() / "r000002.json").string() + " is refused: not a JSON object");
  EXPECT_NE(boot->problems[2].find("booting from revision " + (store.archiveDir() / "r000001.json").string()),
            std::string::npos);
}

TEST(RevisionStore, MissingOrUnreadableCurrentFallsBack) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{v1}", meta("u", "")).ok());
  fs::remove(store.currentPath());
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(boot->text, "{v1}");
  EXPECT_EQ(boot->problems[0], store.currentPath().string() + " is missing");

  fs::create_directory(store.currentPath());  // a directory cannot be read as a file
  boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(boot->origin, BootConfig::Origin::Revision);
  EXPECT_NE(boot->problems[0].find("cannot read " + store.currentPath().string()), std::string::npos)
      << boot->problems[0];
}

TEST(RevisionStore, NothingValidIsAnErrorNamingEveryFile) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("bad one", meta("u", "")).ok());
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_FALSE(boot.ok());
  EXPECT_NE(boot.error().find("no usable configuration in " + dir.path().string()), std::string::npos);
  EXPECT_NE(boot.error().find("running.json is refused: not a JSON object"), std::string::npos);
  EXPECT_NE(boot.error().find("r000001.json is refused"), std::string::npos) << boot.error();
}

TEST(RevisionStore, WriteErrorsNameTheFile) {
  TempDir dir;
  writeFile(dir.path() / "plain-file", "x");
  RevisionStore store(dir.path() / "plain-file" / "sub");
  Status saved = store.save("{1}", meta("u", ""));
  ASSERT_FALSE(saved.ok());
  EXPECT_NE(saved.error().find((dir.path() / "plain-file" / "sub").string()), std::string::npos) << saved.error();
}

// Runs a save in a child that dies (_exit, no cleanup) right after `step` of write number
// `nth_write` (1 = the current file, 2 = the metadata, 3 = the archived text).
void crashDuringSave(RevisionStore& store, const std::string& text, WriteStep step, int nth_write) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int writes = 0;
    store.setStepHook([&](WriteStep s, const fs::path&) {
      if (s == WriteStep::TempWritten) ++writes;
      if (s == step && writes == nth_write) _exit(42);
    });
    (void)store.save(text, meta("crash", ""));
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42) << "the child did not reach the crash point";
}

TEST(RevisionStore, CrashBeforeRenameLeavesOldCurrentAndStrayTempIsCleaned) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{old}", meta("u", "")).ok());
  crashDuringSave(store, "{new}", WriteStep::TempWritten, 1);
  EXPECT_EQ(*readWholeFile(store.currentPath()), "{old}");
  auto stray = tempFilesIn(dir.path());
  ASSERT_EQ(stray.size(), 1u);
  EXPECT_EQ(*readWholeFile(dir.path() / stray[0]), "{new}");  // complete, but never made current
  EXPECT_EQ(store.list()->size(), 1u);

  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(boot->origin, BootConfig::Origin::Current);
  EXPECT_EQ(boot->text, "{old}");
  ASSERT_EQ(boot->problems.size(), 1u);
  EXPECT_EQ(boot->problems[0], "removed " + (dir.path() / stray[0]).string() + ", left by an interrupted save");
  EXPECT_TRUE(tempFilesIn(dir.path()).empty());
}

TEST(RevisionStore, CrashAfterRenameBeforeArchiveIsArchivedAtBoot) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{old}", meta("u", "")).ok());
  crashDuringSave(store, "{new}", WriteStep::Renamed, 1);
  EXPECT_EQ(*readWholeFile(store.currentPath()), "{new}");
  EXPECT_EQ(*store.get(0), "{old}");

  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(boot->text, "{new}");
  ASSERT_EQ(boot->problems.size(), 1u);
  EXPECT_NE(boot->problems[0].find("archived it as revision 2"), std::string::npos) << boot->problems[0];
  EXPECT_EQ(*store.get(0), "{new}");
  EXPECT_EQ(*store.get(1), "{old}");
}

TEST(RevisionStore, CrashWhileArchivingLeavesNoHalfRevision) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{old}", meta("u", "")).ok());
  crashDuringSave(store, "{new}", WriteStep::TempWritten, 3);  // archive text in a temp file
  EXPECT_EQ(tempFilesIn(store.archiveDir()).size(), 1u);
  EXPECT_EQ(store.list()->size(), 1u);  // a revision exists only once its text is renamed in
  auto boot = store.loadAtBoot(acceptsBraces);
  ASSERT_TRUE(boot.ok());
  EXPECT_EQ(boot->text, "{new}");
  EXPECT_TRUE(tempFilesIn(store.archiveDir()).empty());
  auto list = store.list();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(*store.get(0), "{new}");
}

TEST(RevisionJson, RowsForTheShellsTable) {
  TempDir dir;
  RevisionStore store(dir.path());
  ASSERT_TRUE(store.save("{1}", meta("alice", "initial", 0)).ok());
  ASSERT_TRUE(store.save("{22}", meta("bob", "more reals", 1795793247)).ok());
  const auto rows = revisionsToJson(*store.list());
  EXPECT_EQ(rows.dump(), R"([{"rollback":0,"time":"2026-11-27 15:27:27 UTC","user":"bob","comment":"more reals","size":4,"sequence":2},)"
                         R"({"rollback":1,"time":"1970-01-01 00:00:00 UTC","user":"alice","comment":"initial","size":3,"sequence":1}])");
}

TEST(AtomicFile, ReplacesContentWhole) {
  TempDir dir;
  const auto target = dir.path() / "f.txt";
  ASSERT_TRUE(writeFileAtomically(target, "first").ok());
  ASSERT_TRUE(writeFileAtomically(target, "second, longer").ok());
  EXPECT_EQ(*readWholeFile(target), "second, longer");
  EXPECT_TRUE(tempFilesIn(dir.path()).empty());
  auto missing = readWholeFile(dir.path() / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "cannot read " + (dir.path() / "nope").string() + ": No such file or directory");
}

}  // namespace
}  // namespace vlb::revisions
