// Runs HTTP/1.1 input through the parsers and body readers the way a connection would receive it:
// in pieces, with the head parser given the accumulated (and copied, so moved) buffer and the body
// reader given only new bytes; pipelined messages follow each other. Every test feeds its input in
// one piece, byte by byte and split in two at every point, and requires the same outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l7/http/body_reader.h"
#include "l7/http/head.h"
#include "l7/http/types.h"

namespace vlb::l7::http::test {

struct Message {
  // Request line or status line
  std::string method, target, version, path, query, authority, host, reason;
  TargetForm form = TargetForm::kOrigin;
  uint16_t status = 0;
  bool interim = false;
  std::vector<std::pair<std::string, std::string>> fields;
  size_t head_len = 0;
  Framing framing;
  bool keep_alive = false, expect_continue = false, upgrade = false, websocket = false;
  std::string body;       // decoded body bytes so far
  bool complete = false;  // body finished
  bool operator==(const Message&) const = default;
};

struct Outcome {
  std::vector<Message> messages;  // heads parsed, in order; the last one may be unfinished
  ParseStatus status = ParseStatus::kNeedMore;  // kDone: the input ended between messages
  HttpError error = HttpError::kNone;
  uint16_t http_status = 0;
  bool operator==(const Outcome&) const = default;
};

struct RunOptions {
  Limits limits;
  bool response = false;                      // parse responses instead of requests
  RequestKind request = RequestKind::kOther;  // what each response answers
  bool eof = false;  // the peer closes after the input (BodyReader::finish)
};

// The input arrives in pieces ending at `cuts` (ascending, each < input.size()), then the rest.
Outcome run(std::string_view input, const std::vector<size_t>& cuts, const RunOptions& options);

// run() in one piece, byte by byte and split at every point; fails the test on any difference and
// returns the one-piece outcome.
Outcome runEveryWay(std::string_view input, const RunOptions& options = {});

std::string describe(const Outcome& o);

}  // namespace vlb::l7::http::test
