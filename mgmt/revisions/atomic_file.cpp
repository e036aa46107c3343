// Atomic file replacement and whole-file reads with errors that name the file.
#include "mgmt/revisions/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vlb::revisions {
namespace {

std::string reason() { return std::strerror(errno); }

Status syncDirectory(const std::filesystem::path& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open directory " + dir.string() + " to sync it: " + reason());
  const int rc = fsync(fd);
  const std::string why = rc != 0 ? reason() : "";
  close(fd);
  if (rc != 0) return fail("cannot sync directory " + dir.string() + ": " + why);
  return Ok{};
}

Status writeAll(int fd, const std::string& text, const std::string& name) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write " + name + ": " + reason());
    done += size_t(n);
  }
  if (fsync(fd) != 0) return fail("cannot sync " + name + ": " + reason());
  return Ok{};
}

}  // namespace

bool isTempFileName(const std::string& name) {
  return !name.empty() && name[0] == '.' && name.find(kTempMarker) != std::string::npos;
}

Status writeFileAtomically(const std::filesystem::path& target, const std::string& text,
                           const StepHook& hook) {
  const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + target.filename().string() + kTempMarker + "XXXXXX")).string();
  int fd = mkstemp(temp.data());
  if (fd < 0) return fail("cannot create a temp file for " + target.string() + " in " + dir.string() + ": " + reason());
  fchmod(fd, 0600);  // it may hold passwords (PKCS#12)
  Status written = writeAll(fd, text, temp + " (for " + target.string() + ")");
  if (close(fd) != 0 && written) written = fail("cannot close " + temp + ": " + reason());
  if (!written) {
    unlink(temp.c_str());
    return written;
  }
  if (hook) hook(WriteStep::TempWritten, target);
  if (rename(temp.c_str(), target.c_str()) != 0) {
    Status failed = fail("cannot rename " + temp + " to " + target.string() + ": " + reason());
    unlink(temp.c_str());
    return failed;
  }
  if (hook) hook(WriteStep::Renamed, target);
  Status synced = syncDirectory(dir);
  if (!synced) return synced;
  if (hook) hook(WriteStep::DirSynced, target);
  return Ok{};
}

Result<std::string> readWholeFile(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot read " + path.string() + ": " + reason());
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = reason();
      close(fd);
      return fail("cannot read " + path.string() + ": " + why);
    }
    if (n == 0) break;
    text.append(buf, size_t(n));
  }
  close(fd);
  return text;
}

}  // namespace vlb::revisions
