// Why an HTTP/1.1 message was refused, and the status a server answers with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vlb::l7::http {

enum class HttpError : uint8_t {
  kNone,
  // Line structure
  kBareCr,  // CR not followed by LF
  kBareLf,  // LF not preceded by CR (we do not accept LF alone as a line end)
  // Request line and status line
  kBadRequestLine,      // not `method SP target SP version`, one SP each
  kBadMethod,           // method is not a token
  kBadTarget,           // request-target form, characters or percent-encoding
  kBadVersion,          // not `HTTP/DIGIT.DIGIT`
  kUnsupportedVersion,  // well formed but neither HTTP/1.0 nor HTTP/1.1 (505)
  kRequestLineTooLong,  // request line over Limits::max_request_line (414)
  kBadStatusLine,       // response: separators, status code outside 100..599, reason characters
  // Header section
  kHeadTooLarge,      // head over Limits::max_head_bytes (431)
  kTooManyFields,     // more than Limits::max_fields field lines (431)
  kBadFieldName,      // empty or not a token, or no colon
  kSpaceBeforeColon,  // `Host : x`
  kBadFieldValue,     // CTL, DEL or NUL in a value, or a malformed list in a field we interpret
  kObsFold,           // a line starting with SP or HTAB (obsolete line folding)
  kMissingHost,       // HTTP/1.1 request without Host
  kDuplicateHost,     // more than one Host
  kBadHost,           // Host is not host[:port]
  // Framing
  kBadContentLength,                   // not 1*DIGIT (sign, space, hex, empty element)
  kConflictingContentLength,           // several Content-Length values that differ
  kContentLengthWithTransferEncoding,  // both present
  kBadTransferEncoding,       // chunked not final, repeated, with parameters, empty element
  kUnknownTransferCoding,     // a coding before chunked that we do not know (501)
  kTransferEncodingInHttp10,  // Transfer-Encoding in an HTTP/1.0 message
  kBodyNotAllowed,            // CONNECT with Content-Length or Transfer-Encoding
  kBodyTooLarge,              // declared or streamed body over Limits::max_body_bytes (413)
  // Chunked body
  kBadChunkSize,       // not HEXDIG at the start of a chunk-size (sign, 0x, space)
  kChunkSizeOverflow,  // more than 16 hex digits
  kBadChunkExtension,  // chunk-ext syntax, or whitespace not followed by `;`
  kChunkLineTooLong,   // chunk-size line over Limits::max_chunk_line
  kBadChunkEnd,        // chunk data not followed by CRLF
  kForbiddenTrailer,   // a trailer field that must not be a trailer (framing, routing, auth...)
  kTrailerTooLarge,    // trailer section over Limits::max_trailer_bytes (431)
  kTruncatedBody,      // the peer closed inside a length-delimited or chunked body
  kCount,
};

// The status a server sends for a refused request (a proxy answers a bad response with 502).
constexpr uint16_t errorStatus(HttpError e) {
  switch (e) {
    case HttpError::kNone:
      return 0;
    case HttpError::kRequestLineTooLong:
      return 414;
    case HttpError::kHeadTooLarge:
    case HttpError::kTooManyFields:
    case HttpError::kTrailerTooLarge:
      return 431;
    case HttpError::kBodyTooLarge:
      return 413;
    case HttpError::kUnknownTransferCoding:
      return 501;
    case HttpError::kUnsupportedVersion:
      return 505;
    default:
      return 400;
  }
}

inline constexpr std::array<std::string_view, size_t(HttpError::kCount)> kHttpErrorNames = {
    "none",
    "bare_cr",
    "bare_lf",
    "bad_request_line",
    "bad_method",
    "bad_target",
    "bad_version",
    "unsupported_version",
    "request_line_too_long",
    "bad_status_line",
    "head_too_large",
    "too_many_fields",
    "bad_field_name",
    "space_before_colon",
    "bad_field_value",
    "obs_fold",
    "missing_host",
    "duplicate_host",
    "bad_host",
    "bad_content_length",
    "conflicting_content_length",
    "content_length_with_transfer_encoding",
    "bad_transfer_encoding",
    "unknown_transfer_coding",
    "transfer_encoding_in_http10",
    "body_not_allowed",
    "body_too_large",
    "bad_chunk_size",
    "chunk_size_overflow",
    "bad_chunk_extension",
    "chunk_line_too_long",
    "bad_chunk_end",
    "forbidden_trailer",
    "trailer_too_large",
    "truncated_body",
};

static_assert(!kHttpErrorNames.back().empty(), "a name for every HttpError");

// A stable snake_case name for logs and counters.
constexpr std::string_view errorName(HttpError e) {
  return size_t(e) < kHttpErrorNames.size() ? kHttpErrorNames[size_t(e)] : "unknown";
}

}  // namespace vlb::l7::http
