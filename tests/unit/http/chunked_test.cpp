// The chunked decoder on its own: extensions, trailers, hex sizes, zero-copy data, bounded state.
#include "l7/http/chunked.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "l7/http/body_reader.h"

namespace vlb::l7::http {
namespace {

struct Decoded {
  std::string data;
  ParseStatus status = ParseStatus::kNeedMore;
  HttpError error = HttpError::kNone;
  size_t consumed =
      0;  // framing and data bytes used, so input.substr(consumed) is the next message
  bool operator==(const Decoded&) const = default;
};

// Feeds `input` in pieces ending at `cuts`, the way bytes come off a socket.
Decoded decode(std::string_view input, const std::vector<size_t>& cuts, const Limits& limits = {}) {
  ChunkedDecoder d(limits);
  Decoded out;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    std::string_view in = input.substr(from, end - from);
    from = end;
    while (!in.empty() && out.status == ParseStatus::kNeedMore) {
      const BodyStep s = d.next(in);
      EXPECT_LE(s.consumed, in.size());
      if (!s.data.empty()) {
        EXPECT_GE(s.data.data(), in.data());  // a view into the input, never a copy
        EXPECT_LE(s.data.data() + s.data.size(), in.data() + s.consumed);
      }
      out.data.append(s.data);
      out.consumed += s.consumed;
      out.status = s.status;
      out.error = s.error;
      in.remove_prefix(s.consumed);
      if (s.status == ParseStatus::kNeedMore && s.consumed == 0) ADD_FAILURE() << "no progress";
    }
  }
  EXPECT_LE(out.data.size(), d.declaredBytes());
  return out;
}

Decoded decodeEveryWay(std::string_view input, const Limits& limits = {}) {
  const Decoded whole = decode(input, {}, limits);
  std::vector<size_t> every;
  for (size_t i = 1; i < input.size(); ++i) every.push_back(i);
  EXPECT_EQ(decode(input, every, limits), whole) << "byte by byte";
  for (size_t i = 1; i < input.size(); ++i)
    if (decode(input, {i}, limits) != whole) {
      ADD_FAILURE() << "split at " << i;
      break;
    }
  return whole;
}

struct ExtensionCase {
  const char* name;
  const char* size_line;
};

void PrintTo(const ExtensionCase& c, std::ostream* os) { *os << c.name; }

const ExtensionCase kExtensions[] = {
    {"bare_name", "5;a\r\n"},
    {"token_value", "5;a=b\r\n"},
    {"bws_before_semicolon", "5 \t;a\r\n"},
    {"bws_everywhere", "5 ; a = b ; c\r\n"},
    {"quoted_value_with_escapes", "5;a=\"x \\\"y\\\" \\\\ z\"\r\n"},
    {"quoted_then_next", "5;a=\"\";b=c\r\n"},
    {"several", "5;a;b;c=d;e=\"f\"\r\n"},
    {"uppercase_hex_size", "00005;A=B\r\n"},
};

class ChunkExtension : public ::testing::TestWithParam<ExtensionCase> {};

TEST_P(ChunkExtension, IsCheckedAndIgnored) {
  const std::string body = std::string(GetParam().size_line) + "hello\r\n0\r\n\r\n";
  const Decoded d = decodeEveryWay(body);
  EXPECT_EQ(d.status, ParseStatus::kDone) << errorName(d.error);
  EXPECT_EQ(d.data, "hello");
  EXPECT_EQ(d.consumed, body.size());
}

INSTANTIATE_TEST_SUITE_P(Vectors, ChunkExtension, ::testing::ValuesIn(kExtensions),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ChunkedDecoder, HexSizesInBothCases) {
  const std::string data(0x1aF, 'x');
  const Decoded d = decodeEveryWay("1aF\r\n" + data + "\r\n0\r\n\r\n");
  EXPECT_EQ(d.status, ParseStatus::kDone);
  EXPECT_EQ(d.data, data);
}

TEST(ChunkedDecoder, SixteenDigitsIncludingLeadingZerosFit) {
  EXPECT_EQ(decodeEveryWay("0000000000000003\r\nabc\r\n0\r\n\r\n").data, "abc");
  EXPECT_EQ(decodeEveryWay("00000000000000003\r\n").error, HttpError::kChunkSizeOverflow);
}

TEST(ChunkedDecoder, StopsAtTheEndOfTheMessage) {
  const std::string body = "2\r\nab\r\n0\r\nX-Trailer: 1\r\n\r\n";
  const Decoded d = decodeEveryWay(body + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(d.status, ParseStatus::kDone);
  EXPECT_EQ(d.consumed, body.size());  // the pipelined request is left alone
}

TEST(ChunkedDecoder, HandsOutDataAsSoonAsItArrives) {
  ChunkedDecoder d;
  BodyStep s = d.next("a\r\n01234");
  EXPECT_EQ(s.status, ParseStatus::kNeedMore);
  EXPECT_EQ(s.data, "01234");
  EXPECT_EQ(s.consumed, 8u);
  s = d.next("56789\r\n0\r\n\r\n");
  EXPECT_EQ(s.data, "56789");
  s = d.next(std::string_view("\r\n0\r\n\r\n"));
  EXPECT_EQ(s.status, ParseStatus::kDone);
  EXPECT_EQ(d.next("more").status, ParseStatus::kDone);
  EXPECT_EQ(d.declaredBytes(), 10u);
}

TEST(ChunkedDecoder, ErrorIsSticky) {
  ChunkedDecoder d;
  EXPECT_EQ(d.next("zz").error, HttpError::kBadChunkSize);
  const BodyStep again = d.next("5\r\nhello\r\n");
  EXPECT_EQ(again.status, ParseStatus::kError);
  EXPECT_EQ(again.consumed, 0u);
  d.reset();
  EXPECT_EQ(d.next("0\r\n\r\n").status, ParseStatus::kDone);
}

TEST(ChunkedDecoder, ChunkLineLimitIsInclusive) {
  Limits l;
  l.max_chunk_line = 8;
  EXPECT_EQ(decodeEveryWay("5;abcd\r\nhello\r\n0\r\n\r\n", l).status, ParseStatus::kDone);
  EXPECT_EQ(decodeEveryWay("5;abcde\r\nhello\r\n0\r\n\r\n", l).error, HttpError::kChunkLineTooLong);
}

TEST(ChunkedDecoder, LongTrailerNamesAreNotMistakenForForbiddenOnes) {
  EXPECT_EQ(decodeEveryWay("0\r\nContent-Length-Extra-Long-Name: 5\r\n\r\n").status,
            ParseStatus::kDone);
  EXPECT_EQ(decodeEveryWay("0\r\nContent-Lengt: 5\r\n\r\n").status, ParseStatus::kDone);
  EXPECT_EQ(decodeEveryWay("0\r\nIf-Unmodified-Since: x\r\n\r\n").error,
            HttpError::kForbiddenTrailer);
}

TEST(BodyReader, LengthBodiesEndExactly) {
  BodyReader r;
  r.start({BodyKind::kLength, 5});
  BodyStep s = r.next("hel");
  EXPECT_EQ(s.status, ParseStatus::kNeedMore);
  s = r.next("loGET");
  EXPECT_EQ(s.status, ParseStatus::kDone);
  EXPECT_EQ(s.data, "lo");
  EXPECT_EQ(s.consumed, 2u);
  r.start({BodyKind::kLength, 0});
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.next("x").consumed, 0u);
}

TEST(BodyReader, UntilCloseAndTunnelTakeEverythingAndEndAtClose) {
  for (BodyKind k : {BodyKind::kUntilClose, BodyKind::kTunnel}) {
    BodyReader r;
    r.start({k, 0});
    const BodyStep s = r.next("anything");
    EXPECT_EQ(s.data, "anything");
    EXPECT_EQ(s.status, ParseStatus::kNeedMore);
    EXPECT_EQ(r.finish().status, ParseStatus::kDone);
  }
  BodyReader none;
  none.start({BodyKind::kNone, 0});
  EXPECT_EQ(none.next("GET").status, ParseStatus::kDone);
}

}  // namespace
}  // namespace vlb::l7::http
