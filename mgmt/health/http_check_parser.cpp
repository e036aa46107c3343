// HttpCheckParser: status line, the two framing fields that matter, chunked decoding, pattern
// search.
#include "mgmt/health/http_check_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vlb::health {
namespace {

bool equalsLower(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

std::string_view trimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool containsTokenLower(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (equalsLower(trimSpace(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

HttpCheckParser::HttpCheckParser(bool head_request, const StatusRanges& expect,
                                 std::shared_ptr<const BodyMatcher> body)
    : head_request_(head_request), expect_(expect), body_matcher_(std::move(body)) {}

std::optional<Outcome> HttpCheckParser::feed(std::string_view bytes) {
  in_.append(bytes);
  if (!head_done_) {
    if (auto decided = parseHead()) return decided;
    if (!head_done_) return std::nullopt;
  }
  return parseBody();
}

Outcome HttpCheckParser::finishAtEof() {
  if (!head_done_) return {in_.empty() ? Reason::kClosed : Reason::kBadResponse, status_};
  if (body_kind_ == Body::kUntilClose) return {Reason::kBodyMismatch, status_};
  return {Reason::kClosed, status_};  // a length or chunked body cut short
}

std::optional<Outcome> HttpCheckParser::parseHead() {
  for (int interim = 0; interim < 8; ++interim) {  // 100 Continue and friends come first
    const size_t end = in_.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (in_.size() > kMaxHeadBytes) return Outcome{Reason::kBadResponse};
      return std::nullopt;
    }
    const std::string_view head(in_.data(), end + 2);
    const size_t line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    // "HTTP/1.x SSS reason"
    unsigned status = 0;
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ' ||
        std::from_chars(line.data() + 9, line.data() + 12, status).ptr != line.data() + 12 ||
        status < 100 || status > 599 || (line.size() > 12 && line[12] != ' '))
      return Outcome{Reason::kBadResponse};
    status_ = uint16_t(status);
    bool chunked = false, has_length = false;
    uint64_t length = 0;
    std::string_view fields = head.substr(line_end + 2);
    while (!fields.empty()) {
      const size_t eol = fields.find("\r\n");
      const std::string_view field = fields.substr(0, eol);
      fields.remove_prefix(eol + 2);
      const size_t colon = field.find(':');
      if (colon == std::string_view::npos) return Outcome{Reason::kBadResponse, status_};
      const std::string_view name = field.substr(0, colon),
                             value = trimSpace(field.substr(colon + 1));
      if (equalsLower(name, "transfer-encoding")) {
        chunked = containsTokenLower(value, "chunked");
      } else if (equalsLower(name, "content-length")) {
        if (std::from_chars(value.data(), value.data() + value.size(), length).ptr !=
                value.data() + value.size() ||
            value.empty())
          return Outcome{Reason::kBadResponse, status_};
        has_length = true;
      }
    }
    in_.erase(0, end + 4);
    if (status_ >= 100 && status_ < 200 && status_ != 101) continue;
    head_done_ = true;
    if (!expect_.contains(status_)) return Outcome{Reason::kStatus, status_};
    if (!body_matcher_ || head_request_) return Outcome{Reason::kOk, status_};
    if (status_ == 204 || status_ == 304 || status_ == 101)
      return Outcome{Reason::kBodyMismatch, status_};
    body_kind_ = chunked ? Body::kChunked : has_length ? Body::kLength : Body::kUntilClose;
    remaining_ = length;
    if (body_kind_ == Body::kLength && length == 0) return Outcome{Reason::kBodyMismatch, status_};
    return std::nullopt;
  }
  return Outcome{Reason::kBadResponse, status_};
}

std::optional<Outcome> HttpCheckParser::takeBodyBytes(std::string_view data) {
  const size_t before = body_.size();
  body_.append(data.substr(0, kBodyWindow - std::min(kBodyWindow, before)));
  if (body_matcher_->found(body_, before)) return Outcome{Reason::kOk, status_};
  if (body_.size() >= kBodyWindow) return Outcome{Reason::kBodyMismatch, status_};
  return std::nullopt;
}

std::optional<Outcome> HttpCheckParser::parseBody() {
  if (body_kind_ == Body::kUntilClose || body_kind_ == Body::kLength) {
    std::string_view data = in_;
    if (body_kind_ == Body::kLength)
      data = data.substr(0, std::min<uint64_t>(remaining_, data.size()));
    remaining_ -= body_kind_ == Body::kLength ? data.size() : 0;
    auto decided = takeBodyBytes(data);
    in_.clear();
    if (decided) return decided;
    if (body_kind_ == Body::kLength && remaining_ == 0)
      return Outcome{Reason::kBodyMismatch, status_};
    return std::nullopt;
  }
  size_t pos = 0;
  for (int steps = 0; steps < 100000 && pos < in_.size(); ++steps) {
    if (chunk_ == Chunk::kSizeLine) {
      const size_t eol = in_.find("\r\n", pos);
      if (eol == std::string::npos) {
        if (in_.size() - pos > 1024) return Outcome{Reason::kBadResponse, status_};
        break;
      }
      std::string_view size_text(in_.data() + pos, eol - pos);
      size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
      size_text = trimSpace(size_text);
      uint64_t size = 0;
      auto [p, ec] =
          std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
      if (ec != std::errc() || p != size_text.data() + size_text.size())
        return Outcome{Reason::kBadResponse, status_};
      pos = eol + 2;
      if (size == 0) return Outcome{Reason::kBodyMismatch, status_};  // last chunk, not found
      remaining_ = size;
      chunk_ = Chunk::kData;
    } else if (chunk_ == Chunk::kData) {
      const size_t take = size_t(std::min<uint64_t>(remaining_, in_.size() - pos));
      if (auto decided = takeBodyBytes(std::string_view(in_.data() + pos, take))) return decided;
      pos += take;
      remaining_ -= take;
      if (remaining_ == 0) chunk_ = Chunk::kDataEnd;
    } else {
      if (in_.size() - pos < 2) break;
      if (in_.compare(pos, 2, "\r\n") != 0) return Outcome{Reason::kBadResponse, status_};
      pos += 2;
      chunk_ = Chunk::kSizeLine;
    }
  }
  in_.erase(0, pos);
  return std::nullopt;
}

}  // namespace vlb::health
