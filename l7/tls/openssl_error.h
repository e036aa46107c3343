// Turns OpenSSL's thread-local error queue into one readable reason for control-plane messages.
#pragma once

#include <string>

namespace vlb::l7::tls {

// Drains the calling thread's OpenSSL error queue; returns its reasons joined by "; ", or
// `fallback` when the queue was empty. Always leaves the queue empty.
std::string takeOpenSslError(const std::string& fallback = "unknown OpenSSL error");

// Empties the queue without reading it (before an operation whose failure we want to explain).
void clearOpenSslError();

}  // namespace vlb::l7::tls
