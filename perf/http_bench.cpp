// Google Benchmark of the HTTP/1.1 parser (l7/http). Not a test: nothing asserts a time.
//   build/perf/http_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <string>

#include "l7/http/chunked.h"
#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"

namespace {

using namespace vlb::l7::http;

// A typical browser request to OWA, about 400 bytes.
const std::string kBrowser =
    "GET /owa/?bO=1&path=/mail/inbox HTTP/1.1\r\n"
    "Host: mail.example.com\r\n"
    "Connection: keep-alive\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Accept: "
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: X-OWA-CANARY=Zx3k9; ClientId=7F2A0C\r\n"
    "\r\n";

// An Exchange ActiveSync Sync command from a phone: about 20 fields.
const std::string kActiveSync =
    "POST "
    "/Microsoft-Server-ActiveSync?Cmd=Sync&User=jdoe&DeviceId=ApplDNQXK2L3HG7F&DeviceType=iPhone "
    "HTTP/1.1\r\n"
    "Host: mail.example.com\r\n"
    "Content-Type: application/vnd.ms-sync.wbxml\r\n"
    "Content-Length: 81\r\n"
    "Authorization: Basic amRvZUBleGFtcGxlLmNvbTpwYXNzd29yZA==\r\n"
    "MS-ASProtocolVersion: 16.1\r\n"
    "X-MS-PolicyKey: 3942919513\r\n"
    "User-Agent: Apple-iPhone14C2/2103.220\r\n"
    "Accept: */*\r\n"
    "Accept-Language: en-US\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Connection: keep-alive\r\n"
    "X-Forwarded-For: 198.51.100.23\r\n"
    "X-Forwarded-Proto: https\r\n"
    "Cookie: ClientId=ABCDEF0123456789\r\n"
    "Cache-Control: no-cache\r\n"
    "Pragma: no-cache\r\n"
    "X-Request-Id: 4d2a6c1e-8b9f-4d1a-9c3e-7f6b5a4e3d2c\r\n"
    "X-MS-ASAcceptMultiPart: T\r\n"
    "Expect: 100-continue\r\n"
    "Origin: https://mail.example.com\r\n"
    "\r\n";

// One whole head per iteration, with a RequestParser or a ResponseParser.
template <class Parser = RequestParser>
void parseWhole(benchmark::State& state, const std::string& head) {
  Parser parser;
  for (auto _ : state) {
    parser.reset();
    ParseResult r = parser.parse(head);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(parser.head().fields.size());
  }
  if (parser.parse(head).status != ParseStatus::kDone) state.SkipWithError("parse failed");
  state.SetBytesProcessed(int64_t(state.iterations() * head.size()));
  state.SetItemsProcessed(int64_t(state.iterations()));
}

void BM_ParseBrowserRequest(benchmark::State& state) { parseWhole(state, kBrowser); }
BENCHMARK(BM_ParseBrowserRequest);

void BM_ParseActiveSyncRequest(benchmark::State& state) { parseWhole(state, kActiveSync); }
BENCHMARK(BM_ParseActiveSyncRequest);

// What wrk sends, and what nginx answers it (the keep-alive benchmark's exchange in perf/l7).
const std::string kWrk = "GET / HTTP/1.1\r\nHost: 127.0.0.1:18181\r\n\r\n";
const std::string kNginx =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Sun, 22 Nov 2026 08:26:43 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 600\r\n"
    "Last-Modified: Sun, 22 Nov 2026 08:21:07 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"6b02a5f3-258\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n";

void BM_ParseWrkRequest(benchmark::State& state) { parseWhole(state, kWrk); }
BENCHMARK(BM_ParseWrkRequest);

void BM_ParseNginxResponse(benchmark::State& state) { parseWhole<ResponseParser>(state, kNginx); }
BENCHMARK(BM_ParseNginxResponse);

// The browser request arriving in three segments: what resuming costs.
void BM_ParseBrowserRequestInThreePieces(benchmark::State& state) {
  RequestParser parser;
  const std::string_view all(kBrowser);
  for (auto _ : state) {
    parser.reset();
    parser.parse(all.substr(0, 100));
    parser.parse(all.substr(0, 250));
    ParseResult r = parser.parse(all);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * kBrowser.size()));
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_ParseBrowserRequestInThreePieces);

// 64 KiB of body in 4 KiB chunks, as one receive buffer.
void BM_DecodeChunked64KiB(benchmark::State& state) {
  std::string body;
  for (int i = 0; i < 16; ++i) body += "1000\r\n" + std::string(4096, char('a' + i)) + "\r\n";
  body += "0\r\n\r\n";
  ChunkedDecoder decoder;
  for (auto _ : state) {
    decoder.reset();
    std::string_view in(body);
    size_t data = 0;
    while (!in.empty()) {
      const BodyStep s = decoder.next(in);
      data += s.data.size();
      in.remove_prefix(s.consumed);
      if (s.status != ParseStatus::kNeedMore) break;
    }
    benchmark::DoNotOptimize(data);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * 65536));
}
BENCHMARK(BM_DecodeChunked64KiB);

}  // namespace

BENCHMARK_MAIN();
