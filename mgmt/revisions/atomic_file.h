// Writing a file so that a crash at any moment leaves either the old or the new content, never a mix:
// temp file in the same directory, fsync, rename over the target, fsync the directory.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "mgmt/common/result.h"

namespace vlb::revisions {

// The steps of an atomic write, in order; a test hook may stop the process after any of them.
enum class WriteStep { TempWritten, Renamed, DirSynced };

// Called after each step; tests use it to simulate a crash (_exit) between steps.
using StepHook = std::function<void(WriteStep, const std::filesystem::path& target)>;

// Temp files are named ".<target name>.tmp.XXXXXX" next to the target.
constexpr const char* kTempMarker = ".tmp.";

Status writeFileAtomically(const std::filesystem::path& target, const std::string& text,
                           const StepHook& hook = {});

// Reads a whole file; the error names the file and the reason.
Result<std::string> readWholeFile(const std::filesystem::path& path);

// True for names that writeFileAtomically uses for its temp files.
bool isTempFileName(const std::string& name);

}  // namespace vlb::revisions
