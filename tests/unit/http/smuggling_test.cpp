// The smuggling corpus: malformed and ambiguous requests, each with the error and status it must
// get. A front end and a back end that read such a message differently is how requests are
// smuggled, so each is refused whole, the same way however its bytes are split.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"

namespace vlb::l7::http::test {
namespace {

using namespace std::string_literals;
using E = HttpError;

struct BadCase {
  const char* name;
  std::string input;
  HttpError error;
  uint16_t status;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const std::string kPost = "POST / HTTP/1.1\r\nHost: a\r\n";
const std::string kGet = "GET / HTTP/1.1\r\nHost: a\r\n";
const std::string kChunkedPost = kPost + "Transfer-Encoding: chunked\r\n\r\n";

std::string withField(std::string field) { return kPost + field + "\r\n\r\n"; }

const BadCase kCorpus[] = {
    // Content-Length and Transfer-Encoding together, both orders
    {"cl_then_te", kPost + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     E::kContentLengthWithTransferEncoding, 400},
    {"te_then_cl", kPost + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
     E::kContentLengthWithTransferEncoding, 400},
    {"cl_zero_and_te", kPost + "Content-Length: 0\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     E::kContentLengthWithTransferEncoding, 400},
    // Content-Length values
    {"cl_differing_fields", kPost + "Content-Length: 4\r\nContent-Length: 5\r\n\r\n",
     E::kConflictingContentLength, 400},
    {"cl_differing_list", withField("Content-Length: 4, 5"), E::kConflictingContentLength, 400},
    {"cl_plus", withField("Content-Length: +4"), E::kBadContentLength, 400},
    {"cl_minus", withField("Content-Length: -4"), E::kBadContentLength, 400},
    {"cl_inner_space", withField("Content-Length: 4 4"), E::kBadContentLength, 400},
    {"cl_hex", withField("Content-Length: 0x4"), E::kBadContentLength, 400},
    {"cl_decimal_point", withField("Content-Length: 4.0"), E::kBadContentLength, 400},
    {"cl_empty", withField("Content-Length:"), E::kBadContentLength, 400},
    {"cl_empty_list_element", withField("Content-Length: 4,"), E::kBadContentLength, 400},
    {"cl_quoted", withField("Content-Length: \"4\""), E::kBadContentLength, 400},
    {"cl_vtab", withField("Content-Length: \v4"), E::kBadFieldValue, 400},
    {"cl_overflow", withField("Content-Length: 18446744073709551616"), E::kBodyTooLarge, 413},
    {"cl_over_body_limit", withField("Content-Length: 2147483649"), E::kBodyTooLarge, 413},
    {"cl_space_before_colon", withField("Content-Length : 4"), E::kSpaceBeforeColon, 400},
    {"cl_obs_fold", kPost + "Content-Length: 4\r\n 5\r\n\r\n", E::kObsFold, 400},
    // Transfer-Encoding values and obfuscations
    {"te_chunked_chunked", withField("Transfer-Encoding: chunked, chunked"),
     E::kBadTransferEncoding, 400},
    {"te_chunked_twice_in_fields",
     kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     E::kBadTransferEncoding, 400},
    {"te_xchunked", withField("Transfer-Encoding: xchunked"), E::kBadTransferEncoding, 400},
    {"te_chunked_parameter", withField("Transfer-Encoding: chunked;foo=bar"),
     E::kBadTransferEncoding, 400},
    {"te_chunked_then_gzip", withField("Transfer-Encoding: chunked, gzip"), E::kBadTransferEncoding,
     400},
    {"te_gzip_only", withField("Transfer-Encoding: gzip"), E::kBadTransferEncoding, 400},
    {"te_identity", withField("Transfer-Encoding: identity"), E::kBadTransferEncoding, 400},
    {"te_unknown_before_chunked", withField("Transfer-Encoding: foo, chunked"),
     E::kUnknownTransferCoding, 501},
    {"te_quoted", withField("Transfer-Encoding: \"chunked\""), E::kBadTransferEncoding, 400},
    {"te_empty_element", withField("Transfer-Encoding: , chunked"), E::kBadTransferEncoding, 400},
    {"te_empty", withField("Transfer-Encoding:"), E::kBadTransferEncoding, 400},
    {"te_inner_space", withField("Transfer-Encoding: chun ked"), E::kBadTransferEncoding, 400},
    {"te_vtab", withField("Transfer-Encoding: \vchunked"), E::kBadFieldValue, 400},
    {"te_formfeed", withField("Transfer-Encoding: chunked\f"), E::kBadFieldValue, 400},
    {"te_nul", withField("Transfer-Encoding: chunked\0"s), E::kBadFieldValue, 400},
    {"te_http10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     E::kTransferEncodingInHttp10, 400},
    {"te_space_before_colon", withField("Transfer-Encoding : chunked"), E::kSpaceBeforeColon, 400},
    {"te_tab_before_colon", withField("Transfer-Encoding\t: chunked"), E::kSpaceBeforeColon, 400},
    {"te_obs_fold", kPost + "Transfer-Encoding: gzip\r\n\t, chunked\r\n\r\n", E::kObsFold, 400},
    {"te_connect", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nTransfer-Encoding: chunked\r\n\r\n",
     E::kBodyNotAllowed, 400},
    {"cl_connect", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nContent-Length: 4\r\n\r\n",
     E::kBodyNotAllowed, 400},
    // Field syntax
    {"obs_fold", kGet + "X-A: a\r\n b\r\n\r\n", E::kObsFold, 400},
    {"whitespace_line_after_request_line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", E::kObsFold, 400},
    {"space_before_colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", E::kSpaceBeforeColon, 400},
    {"no_colon", kGet + "X-A\r\n\r\n", E::kBadFieldName, 400},
    {"empty_name", kGet + ": a\r\n\r\n", E::kBadFieldName, 400},
    {"nul_in_name", kGet + "X\0A: 1\r\n\r\n"s, E::kBadFieldName, 400},
    {"escape_in_name",
     kGet + "X\x1b"
            "A: 1\r\n\r\n",
     E::kBadFieldName, 400},
    {"nul_in_value", kGet + "X-A: a\0b\r\n\r\n"s, E::kBadFieldValue, 400},
    {"ctl_in_value",
     kGet + "X-A: a\x01"
            "b\r\n\r\n",
     E::kBadFieldValue, 400},
    {"del_in_value",
     kGet + "X-A: a\x7f"
            "b\r\n\r\n",
     E::kBadFieldValue, 400},
    // Line ends
    {"bare_lf_in_fields", "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n", E::kBareLf, 400},
    {"bare_lf_request_line", "GET / HTTP/1.1\nHost: a\r\n\r\n", E::kBareLf, 400},
    {"bare_lf_end_of_head", "GET / HTTP/1.1\r\nHost: a\r\n\n", E::kBareLf, 400},
    {"bare_cr_in_value", kGet + "X-A: a\rb\r\n\r\n", E::kBareCr, 400},
    {"bare_cr_line_end", "GET / HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n", E::kBareCr, 400},
    {"bare_cr_in_target", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", E::kBareCr, 400},
    {"bare_cr_after_version", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", E::kBareCr, 400},
    // Host
    {"missing_host", "GET / HTTP/1.1\r\nX-A: a\r\n\r\n", E::kMissingHost, 400},
    {"duplicate_host", kGet + "Host: b\r\n\r\n", E::kDuplicateHost, 400},
    {"duplicate_host_http10", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", E::kDuplicateHost,
     400},
    {"host_userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", E::kBadHost, 400},
    {"host_list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", E::kBadHost, 400},
    {"host_empty", "GET / HTTP/1.1\r\nHost:\r\n\r\n", E::kBadHost, 400},
    {"host_bad_port", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", E::kBadHost, 400},
    // Request line
    {"absolute_userinfo", "GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"absolute_other_scheme", "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"asterisk_with_get", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"authority_form_with_get", "GET a:443 HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"connect_origin_form", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"connect_without_port", "CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"fragment_in_target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"bad_percent", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"truncated_percent", "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"obs_text_in_target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadTarget, 400},
    {"http09", "GET /\r\n\r\n", E::kBadRequestLine, 400},
    {"double_space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadRequestLine, 400},
    {"leading_space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadMethod, 400},
    {"tab_separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadMethod, 400},
    {"method_not_token", "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", E::kBadMethod, 400},
    {"version_lowercase", "GET / http/1.1\r\nHost: a\r\n\r\n", E::kBadVersion, 400},
    {"version_trailing_space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", E::kBadVersion, 400},
    {"version_two_digit_minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", E::kBadVersion, 400},
    {"version_1_2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", E::kUnsupportedVersion, 505},
    {"version_2_0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", E::kUnsupportedVersion, 505},
    {"version_0_9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", E::kUnsupportedVersion, 505},
    // Sizes
    {"oversize_uri", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n",
     E::kRequestLineTooLong, 414},
    {"oversize_head", kGet + "X-A: " + std::string(33000, 'a') + "\r\n\r\n", E::kHeadTooLarge, 431},
    {"endless_line", "GET /" + std::string(10000, 'a'), E::kRequestLineTooLong, 414},
    // Chunked body
    {"chunk_size_17_digits", kChunkedPost + "00000000000000005\r\nhello\r\n0\r\n\r\n",
     E::kChunkSizeOverflow, 400},
    {"chunk_size_overflow", kChunkedPost + "FFFFFFFFFFFFFFFFF\r\n", E::kChunkSizeOverflow, 400},
    {"chunk_size_over_body_limit", kChunkedPost + "80000001\r\n", E::kBodyTooLarge, 413},
    {"chunk_size_max_u64", kChunkedPost + "FFFFFFFFFFFFFFFF\r\n", E::kBodyTooLarge, 413},
    {"chunk_size_negative", kChunkedPost + "-5\r\nhello\r\n0\r\n\r\n", E::kBadChunkSize, 400},
    {"chunk_size_hex_prefix", kChunkedPost + "0x5\r\nhello\r\n0\r\n\r\n", E::kBadChunkSize, 400},
    {"chunk_size_leading_space", kChunkedPost + " 5\r\nhello\r\n0\r\n\r\n", E::kBadChunkSize, 400},
    {"chunk_size_trailing_space", kChunkedPost + "5 \r\nhello\r\n0\r\n\r\n", E::kBadChunkExtension,
     400},
    {"chunk_size_missing", kChunkedPost + "\r\nhello\r\n0\r\n\r\n", E::kBadChunkSize, 400},
    {"chunk_size_bare_lf", kChunkedPost + "5\nhello\r\n0\r\n\r\n", E::kBareLf, 400},
    {"chunk_size_bare_cr", kChunkedPost + "5\rhello\r\n0\r\n\r\n", E::kBareCr, 400},
    {"chunk_data_no_crlf", kChunkedPost + "5\r\nhelloXX0\r\n\r\n", E::kBadChunkEnd, 400},
    {"chunk_data_lf_only", kChunkedPost + "5\r\nhello\n0\r\n\r\n", E::kBadChunkEnd, 400},
    {"chunk_data_longer_than_size", kChunkedPost + "3\r\nhello\r\n0\r\n\r\n", E::kBadChunkEnd, 400},
    {"chunk_ext_empty_name", kChunkedPost + "5;\r\nhello\r\n0\r\n\r\n", E::kBadChunkExtension, 400},
    {"chunk_ext_unterminated_quote", kChunkedPost + "5;a=\"x\r\nhello\r\n", E::kBadChunkExtension,
     400},
    {"chunk_ext_ctl", kChunkedPost + "5;a=\x01\r\nhello\r\n", E::kBadChunkExtension, 400},
    {"chunk_ext_trailing_space", kChunkedPost + "5;a \r\nhello\r\n", E::kBadChunkExtension, 400},
    {"chunk_line_too_long", kChunkedPost + "5;a=" + std::string(5000, 'b') + "\r\n",
     E::kChunkLineTooLong, 400},
    {"trailer_content_length", kChunkedPost + "0\r\nContent-Length: 5\r\n\r\n",
     E::kForbiddenTrailer, 400},
    {"trailer_transfer_encoding", kChunkedPost + "0\r\nTransfer-Encoding: chunked\r\n\r\n",
     E::kForbiddenTrailer, 400},
    {"trailer_host", kChunkedPost + "0\r\nHOST: b\r\n\r\n", E::kForbiddenTrailer, 400},
    {"trailer_obs_fold", kChunkedPost + "0\r\nX-A: a\r\n b\r\n\r\n", E::kObsFold, 400},
    {"trailer_space_before_colon", kChunkedPost + "0\r\nX-A : a\r\n\r\n", E::kSpaceBeforeColon,
     400},
    {"trailer_bare_lf", kChunkedPost + "0\r\nX-A: a\n\r\n", E::kBareLf, 400},
    {"trailer_nul", kChunkedPost + "0\r\nX-A: \0\r\n\r\n"s, E::kBadFieldValue, 400},
    {"trailer_too_large", kChunkedPost + "0\r\nX-A: " + std::string(9000, 'a') + "\r\n\r\n",
     E::kTrailerTooLarge, 431},
};

class Smuggling : public ::testing::TestWithParam<BadCase> {};

TEST_P(Smuggling, RefusedTheSameInEveryPiecing) {
  const BadCase& c = GetParam();
  const Outcome o = runEveryWay(c.input);
  EXPECT_EQ(o.status, ParseStatus::kError) << describe(o);
  EXPECT_EQ(errorName(o.error), errorName(c.error));
  EXPECT_EQ(o.http_status, c.status);
  for (const Message& m : o.messages) EXPECT_FALSE(m.complete) << "a message got through";
}

INSTANTIATE_TEST_SUITE_P(Corpus, Smuggling, ::testing::ValuesIn(kCorpus),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Smuggling, CorpusIsLarge) { EXPECT_GE(std::size(kCorpus), 40u); }

// Decided, not refused: RFC 9112 section 3.2.2 says the absolute-form's authority wins over Host,
// and that is the authority content rules and persistence see. The proxy forwards a Host equal to
// it.
TEST(Smuggling, AbsoluteFormAuthorityWinsOverADifferentHost) {
  const Outcome o =
      runEveryWay("GET http://public.example/owa HTTP/1.1\r\nHost: internal.example\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kDone);
  EXPECT_EQ(o.messages.at(0).authority, "public.example");
  EXPECT_EQ(o.messages.at(0).host, "internal.example");
  EXPECT_EQ(o.messages.at(0).path, "/owa");
}

TEST(Smuggling, StreamedChunksOverTheBodyLimitGet413) {
  RunOptions o;
  o.limits.max_body_bytes = 10;
  const Outcome ok = runEveryWay(kChunkedPost + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", o);
  EXPECT_EQ(ok.status, ParseStatus::kDone);
  const Outcome over = runEveryWay(kChunkedPost + "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", o);
  EXPECT_EQ(over.error, HttpError::kBodyTooLarge);
  EXPECT_EQ(over.http_status, 413);
  EXPECT_EQ(over.messages.at(0).body, "hello");  // what came before the limit was streamed
}

TEST(Smuggling, TruncatedBodiesAreErrorsAtClose) {
  RunOptions eof;
  eof.eof = true;
  EXPECT_EQ(runEveryWay(kPost + "Content-Length: 5\r\n\r\nhel", eof).error,
            HttpError::kTruncatedBody);
  EXPECT_EQ(runEveryWay(kChunkedPost + "5\r\nhel", eof).error, HttpError::kTruncatedBody);
}

// Lines are looked at sixteen bytes at a time (chars::scanLineEnd), the last bytes as the sixteen
// that end the line, and a value is not looked at again when that look found no bad byte before
// the CR: a bad byte is found at every place of a value of every length, HTAB, SP and obs-text are
// kept wherever they are, and short and long names come before it.
TEST(Smuggling, EveryBadByteIsFoundAtEveryPlaceOfAValue) {
  for (const std::string name : {"X", "X-Forwarded-Host-Extra"}) {
    for (size_t len = 1; len <= 40; ++len) {
      for (size_t at = 0; at < len; ++at) {
        for (const char bad : {'\0', '\x01', '\x1f', '\x7f', '\r'}) {
          std::string value(len, 'v');
          value[at] = bad;
          const Outcome o = run(kGet + name + ": " + value + "\r\n\r\n", {}, RunOptions{});
          const HttpError want = bad == '\r' ? HttpError::kBareCr : HttpError::kBadFieldValue;
          ASSERT_EQ(o.error, want)
              << name << " len " << len << " at " << at << " byte " << int(bad);
        }
        if (at == 0 || at == len - 1) continue;  // OWS at the ends is not part of the value
        for (const char good : {'\t', ' ', '\x80', '\xff'}) {
          std::string value(len, 'v');
          value[at] = good;
          const Outcome o = run(kGet + name + ": " + value + "\r\n\r\n", {}, RunOptions{});
          ASSERT_EQ(o.status, ParseStatus::kDone) << name << " len " << len << " at " << at;
          ASSERT_EQ(o.messages.at(0).fields.back().second, value);
        }
      }
    }
  }
}

// Whether a line held a bad byte is carried over from one piece of input to the next: a bad byte
// anywhere in a field line, a request line or a status line is found however the bytes are split
// (runEveryWay), also when it arrived pieces before the line's end.
TEST(Smuggling, ABadByteIsFoundWhereverTheLineIsSplit) {
  const std::string value(37, 'v');
  for (size_t at = 0; at < value.size(); ++at) {
    for (const char bad : {'\x01', '\r'}) {
      std::string v = value;
      v[at] = bad;
      const HttpError want = bad == '\r' ? HttpError::kBareCr : HttpError::kBadFieldValue;
      EXPECT_EQ(runEveryWay(kGet + "X-Long: " + v + "\r\n\r\n").error, want) << at;
      RunOptions response;
      response.response = true;
      const HttpError status_want = bad == '\r' ? HttpError::kBareCr : HttpError::kBadStatusLine;
      EXPECT_EQ(runEveryWay("HTTP/1.1 200 " + v + "\r\n\r\n", response).error, status_want) << at;
    }
  }
  EXPECT_EQ(runEveryWay("GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n").error, HttpError::kBadTarget);
  EXPECT_EQ(runEveryWay("GET / HTTP/1.\r1\r\nHost: a\r\n\r\n").error, HttpError::kBareCr);
  EXPECT_EQ(runEveryWay("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n").error, HttpError::kBareCr);
}

}  // namespace
}  // namespace vlb::l7::http::test
