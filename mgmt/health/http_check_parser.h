// Reads an HTTP/1.x response to a check request as it arrives and decides the check: status in
// the expected list, then (when a body pattern is set) the pattern within the first 64 KiB of the
// body, de-chunked. Stops as soon as the answer is known; never holds more than 80 KiB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mgmt/health/body_matcher.h"
#include "mgmt/health/check_spec.h"
#include "mgmt/health/probe.h"

namespace vlb::health {

class HttpCheckParser {
 public:
  static constexpr size_t kMaxHeadBytes = 16 * 1024;
  static constexpr size_t kBodyWindow = 64 * 1024;

  // `body`: null when no body pattern is set.
  HttpCheckParser(bool head_request, const StatusRanges& expect,
                  std::shared_ptr<const BodyMatcher> body);

  // More bytes from the real; an outcome once the check is decided.
  std::optional<Outcome> feed(std::string_view bytes);
  // The real closed the connection (after everything fed).
  Outcome finishAtEof();

 private:
  enum class Body : uint8_t { kNone, kLength, kChunked, kUntilClose };
  enum class Chunk : uint8_t { kSizeLine, kData, kDataEnd };

  std::optional<Outcome> parseHead();
  std::optional<Outcome> parseBody();
  std::optional<Outcome> takeBodyBytes(std::string_view data);

  bool head_request_;
  StatusRanges expect_;
  std::shared_ptr<const BodyMatcher> body_matcher_;
  std::string in_;  // bytes not consumed yet
  bool head_done_ = false;
  uint16_t status_ = 0;
  Body body_kind_ = Body::kNone;
  uint64_t remaining_ = 0;  // kLength: body bytes left; kChunked kData: chunk bytes left
  Chunk chunk_ = Chunk::kSizeLine;
  std::string body_;  // the first kBodyWindow bytes of the decoded body
};

}  // namespace vlb::health
