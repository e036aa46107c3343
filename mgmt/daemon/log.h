// vlbd's log: one line per event on stderr (journald or the terminal takes it from there).
#pragma once

#include <cstdio>
#include <string>

namespace vlb::mgmt {

inline void logLine(const std::string& line) { std::fprintf(stderr, "vlbd: %s\n", line.c_str()); }

}  // namespace vlb::mgmt
