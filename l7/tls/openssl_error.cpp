// Reading OpenSSL's error queue: the reason strings, without the library/function noise.
#include "l7/tls/openssl_error.h"

#include <openssl/err.h>

namespace vlb::l7::tls {

std::string takeOpenSslError(const std::string& fallback) {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    const char* reason = ERR_reason_error_string(code);
    std::string text = reason != nullptr ? reason : "error code " + std::to_string(code);
    if (out.find(text) != std::string::npos) continue;  // the same reason repeated up the stack
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? fallback : out;
}

void clearOpenSslError() { ERR_clear_error(); }

}  // namespace vlb::l7::tls
