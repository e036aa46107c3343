#include "l7/http/framing.h"

namespace vlb::l7::http {

HttpError requestFraming(const FieldFacts& f, uint8_t minor_version, bool connect,
                         uint64_t max_body_bytes, Framing* out) {
  if (f.has_transfer_encoding) {
    // An HTTP/1.0 recipient may not know chunked; RFC 9112 section 6.1 calls the framing faulty.
    if (minor_version == 0) return HttpError::kTransferEncodingInHttp10;
    // RFC 9112 section 6.3 allows dropping Content-Length instead; both together is how requests
    // are smuggled, so we refuse.
    if (f.has_content_length) return HttpError::kContentLengthWithTransferEncoding;
    if (connect) return HttpError::kBodyNotAllowed;
    if (!f.te_chunked) return HttpError::kBadTransferEncoding;   // length unknowable: 400
    if (f.te_unknown) return HttpError::kUnknownTransferCoding;  // 501
    *out = {BodyKind::kChunked, 0};
    return HttpError::kNone;
  }
  if (f.has_content_length) {
    if (connect) return HttpError::kBodyNotAllowed;
    if (f.content_length > max_body_bytes) return HttpError::kBodyTooLarge;
    *out = {BodyKind::kLength, f.content_length};
    return HttpError::kNone;
  }
  *out = {BodyKind::kNone, 0};
  return HttpError::kNone;
}

HttpError responseFraming(const FieldFacts& f, uint8_t minor_version, uint16_t status,
                          RequestKind req, Framing* out) {
  if (f.has_transfer_encoding && f.has_content_length)
    return HttpError::kContentLengthWithTransferEncoding;
  if (f.has_transfer_encoding && minor_version == 0) return HttpError::kTransferEncodingInHttp10;
  if (status == 101 || (req == RequestKind::kConnect && status / 100 == 2)) {
    *out = {BodyKind::kTunnel, 0};
  } else if (status < 200 || status == 204 || status == 304 || req == RequestKind::kHead) {
    *out = {BodyKind::kNone, 0};
  } else if (f.has_transfer_encoding) {
    *out = {f.te_chunked ? BodyKind::kChunked : BodyKind::kUntilClose, 0};
  } else if (f.has_content_length) {
    *out = {BodyKind::kLength, f.content_length};
  } else {
    *out = {BodyKind::kUntilClose, 0};
  }
  return HttpError::kNone;
}

}  // namespace vlb::l7::http
