// libFuzzer target: any bytes as what a client (or a real server) sends on one connection.
// Input layout: [flags][split lo][split hi][message bytes...]. The message bytes are parsed in one
// piece and again split at the fuzzer-chosen point; both must agree. Invariants: views lie inside
// the buffer, nothing consumes more than it was given, a done head fits in the buffer, a body
// reader never hands out more bytes than it was given or than the framing allows.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "l7/http/body_reader.h"
#include "l7/http/chunked.h"
#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"

namespace {

using namespace vlb::l7::http;

#define FUZZ_CHECK(cond)       \
  do {                         \
    if (!(cond)) std::abort(); \
  } while (0)

bool inside(std::string_view v, std::string_view buf) {
  return v.empty() || (v.data() >= buf.data() && v.data() + v.size() <= buf.data() + buf.size());
}

bool sameResult(const ParseResult& a, const ParseResult& b) {
  return a.status == b.status && a.error == b.error && a.http_status == b.http_status &&
         a.head_len == b.head_len;
}

struct BodyRun {
  ParseStatus status = ParseStatus::kNeedMore;
  HttpError error = HttpError::kNone;
  size_t consumed = 0;
  size_t data = 0;
};

// Feeds `in` to a fresh reader in two pieces (cut at `split`), checking every step.
BodyRun readBody(const Limits& lim, const Framing& framing, std::string_view in, size_t split) {
  BodyReader reader(lim);
  reader.start(framing);
  BodyRun run;
  if (reader.done()) run.status = ParseStatus::kDone;  // no body, or Content-Length: 0
  const std::string_view pieces[2] = {in.substr(0, split), in.substr(split)};
  for (std::string_view piece : pieces) {
    while (run.status == ParseStatus::kNeedMore && !piece.empty()) {
      const BodyStep s = reader.next(piece);
      FUZZ_CHECK(s.consumed <= piece.size());
      FUZZ_CHECK(s.data.size() <= s.consumed && inside(s.data, piece.substr(0, s.consumed)));
      FUZZ_CHECK(s.status != ParseStatus::kNeedMore || s.consumed > 0);
      run.status = s.status;
      run.error = s.error;
      run.consumed += s.consumed;
      run.data += s.data.size();
      piece.remove_prefix(s.consumed);
    }
    if (run.status != ParseStatus::kNeedMore) break;
  }
  FUZZ_CHECK(run.data <= run.consumed && run.consumed <= in.size());
  if (framing.kind == BodyKind::kLength) {
    FUZZ_CHECK(run.data <= framing.length);
    FUZZ_CHECK(run.status != ParseStatus::kDone || run.data == framing.length);
  }
  if (framing.kind == BodyKind::kNone)
    FUZZ_CHECK(run.status == ParseStatus::kDone && run.consumed == 0);
  return run;
}

void checkBody(const Limits& lim, const Framing& framing, std::string_view in, size_t split) {
  const BodyRun whole = readBody(lim, framing, in, in.size());
  const BodyRun cut = readBody(lim, framing, in, split % (in.size() + 1));
  FUZZ_CHECK(whole.status == cut.status && whole.error == cut.error);
  FUZZ_CHECK(whole.consumed == cut.consumed && whole.data == cut.data);
}

void checkRequestHead(const RequestHead& h, std::string_view buf) {
  FUZZ_CHECK(inside(h.method, buf) && inside(h.target, buf) && inside(h.version, buf));
  FUZZ_CHECK(inside(h.path, h.target) && inside(h.query, h.target));
  FUZZ_CHECK(inside(h.authority, buf) && inside(h.host, buf));
  FUZZ_CHECK(h.version == "HTTP/1.0" || h.version == "HTTP/1.1");
  for (const HeaderField f : h.fields) FUZZ_CHECK(inside(f.name, buf) && inside(f.value, buf));
  FUZZ_CHECK(h.framing.kind == BodyKind::kNone || h.framing.kind == BodyKind::kLength ||
             h.framing.kind == BodyKind::kChunked);
}

// Requests, pipelined: each message head parsed whole and split, then its body.
void fuzzRequests(const Limits& lim, std::string_view all, size_t split) {
  RequestParser whole(lim), cut(lim);
  for (int message = 0; message < 8 && !all.empty(); ++message) {
    const std::vector<char> prefix(all.begin(), all.begin() + long(split % (all.size() + 1)));
    const ParseResult r = whole.parse(all);
    cut.parse(std::string_view(prefix.data(), prefix.size()));
    const ParseResult r2 = cut.parse(all);
    FUZZ_CHECK(sameResult(r, r2));
    if (r.status == ParseStatus::kError) {
      const uint16_t s = r.http_status;
      FUZZ_CHECK(s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505);
      return;
    }
    if (r.status == ParseStatus::kNeedMore) return;
    FUZZ_CHECK(r.head_len > 0 && r.head_len <= all.size());
    checkRequestHead(whole.head(), all);
    checkRequestHead(cut.head(), all);
    const std::string_view rest = all.substr(r.head_len);
    checkBody(lim, whole.head().framing, rest, split);
    const BodyRun body = readBody(lim, whole.head().framing, rest, rest.size());
    if (body.status != ParseStatus::kDone) return;
    all = rest.substr(body.consumed);
    whole.reset();
    cut.reset();
  }
}

void fuzzResponse(const Limits& lim, RequestKind kind, std::string_view all, size_t split) {
  ResponseParser whole(lim), cut(lim);
  whole.reset(kind);
  cut.reset(kind);
  const std::vector<char> prefix(all.begin(), all.begin() + long(split % (all.size() + 1)));
  const ParseResult r = whole.parse(all);
  cut.parse(std::string_view(prefix.data(), prefix.size()));
  FUZZ_CHECK(sameResult(r, cut.parse(all)));
  if (r.status == ParseStatus::kError) FUZZ_CHECK(r.http_status == 502);
  if (r.status != ParseStatus::kDone) return;
  const ResponseHead& h = whole.head();
  FUZZ_CHECK(r.head_len <= all.size() && h.status >= 100 && h.status <= 599);
  FUZZ_CHECK(inside(h.version, all) && inside(h.reason, all));
  for (const HeaderField f : h.fields) FUZZ_CHECK(inside(f.name, all) && inside(f.value, all));
  checkBody(lim, h.framing, all.substr(r.head_len), split);
}

// The bytes as a chunked body on their own: data never exceeds what was given or declared.
void fuzzChunked(const Limits& lim, std::string_view all, size_t split) {
  ChunkedDecoder d(lim);
  size_t data = 0, consumed = 0;
  std::string_view in = all.substr(0, split % (all.size() + 1));
  for (int piece = 0; piece < 2; ++piece) {
    while (!in.empty()) {
      const BodyStep s = d.next(in);
      FUZZ_CHECK(s.consumed <= in.size() && inside(s.data, in.substr(0, s.consumed)));
      data += s.data.size();
      consumed += s.consumed;
      in.remove_prefix(s.consumed);
      if (s.status != ParseStatus::kNeedMore) break;
    }
    in = all.substr(consumed);
    if (d.done()) break;
  }
  FUZZ_CHECK(data <= consumed && consumed <= all.size() && data <= d.declaredBytes());
  checkBody(lim, Framing{BodyKind::kChunked, 0}, all, split);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  const size_t split = size_t(data[1]) | size_t(data[2]) << 8;
  // An exact-size copy, so that AddressSanitizer sees any read past the end.
  const std::vector<char> bytes(data + 3, data + size);
  const std::string_view all(bytes.data(), bytes.size());
  Limits lim;
  if (flags & 1) {  // small limits reach every limit path with short inputs
    lim.max_head_bytes = 256;
    lim.max_request_line = 64;
    lim.max_fields = 4;
    lim.max_body_bytes = 100;
    lim.max_chunk_line = 16;
    lim.max_trailer_bytes = 32;
  }
  fuzzRequests(lim, all, split);
  const RequestKind kinds[] = {RequestKind::kOther, RequestKind::kHead, RequestKind::kConnect,
                               RequestKind::kOther};
  fuzzResponse(lim, kinds[(flags >> 1) & 3], all, split);
  fuzzChunked(lim, all, split);
  return 0;
}
