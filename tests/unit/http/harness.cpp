#include "harness.h"

#include <gtest/gtest.h>

#include <sstream>

#include "l7/http/request_parser.h"
#include "l7/http/response_parser.h"

namespace vlb::l7::http::test {
namespace {

Message recordRequest(const RequestHead& h, size_t head_len) {
  Message m;
  m.method = h.method;
  m.target = h.target;
  m.version = h.version;
  m.path = h.path;
  m.query = h.query;
  m.authority = h.authority;
  m.host = h.host;
  m.form = h.form;
  for (const HeaderField f : h.fields) m.fields.emplace_back(f.name, f.value);
  m.head_len = head_len;
  m.framing = h.framing;
  m.keep_alive = h.keep_alive;
  m.expect_continue = h.expect_continue;
  m.upgrade = h.upgrade;
  m.websocket = h.websocket;
  return m;
}

Message recordResponse(const ResponseHead& h, size_t head_len) {
  Message m;
  m.version = h.version;
  m.status = h.status;
  m.reason = h.reason;
  m.interim = h.interim;
  for (const HeaderField f : h.fields) m.fields.emplace_back(f.name, f.value);
  m.head_len = head_len;
  m.framing = h.framing;
  m.keep_alive = h.keep_alive;
  return m;
}

// Connection-like state: the received bytes, where the current message starts, which phase.
class Connection {
 public:
  explicit Connection(const RunOptions& o)
      : o_(o), requests_(o.limits), responses_(o.limits), body_(o.limits) {
    responses_.reset(o.request);
  }

  void receive(std::string_view piece) {
    received_.append(piece);
    while (out_.status != ParseStatus::kError && (in_body_ ? stepBody() : stepHead())) {
    }
  }

  Outcome end() {
    if (in_body_ && o_.eof && out_.status != ParseStatus::kError) {
      const BodyStep s = body_.finish();
      if (s.status == ParseStatus::kError)
        return fail(s.error, o_.response ? 502 : errorStatus(s.error));
      out_.messages.back().complete = true;
      in_body_ = false;
      start_ = received_.size();
    }
    if (out_.status != ParseStatus::kError)
      out_.status =
          !in_body_ && start_ == received_.size() ? ParseStatus::kDone : ParseStatus::kNeedMore;
    return out_;
  }

 private:
  Outcome fail(HttpError e, uint16_t status) {
    out_.status = ParseStatus::kError;
    out_.error = e;
    out_.http_status = status;
    return out_;
  }

  bool stepHead() {
    if (start_ == received_.size()) return false;
    // A fresh buffer each time, so that the parser sees its input move; big inputs move anyway as
    // received_ grows, and copying them at every split point would make the test quadratic.
    const std::string_view rest = std::string_view(received_).substr(start_);
    const std::string copy(rest.size() <= 4096 ? rest : std::string_view());
    const std::string_view buf = rest.size() <= 4096 ? std::string_view(copy) : rest;
    const ParseResult r = o_.response ? responses_.parse(buf) : requests_.parse(buf);
    if (r.status == ParseStatus::kNeedMore) return false;
    if (r.status == ParseStatus::kError) {
      fail(r.error, r.http_status);
      return false;
    }
    EXPECT_LE(r.head_len, buf.size());
    out_.messages.push_back(o_.response ? recordResponse(responses_.head(), r.head_len)
                                        : recordRequest(requests_.head(), r.head_len));
    body_.start(out_.messages.back().framing);
    start_ += r.head_len;
    in_body_ = true;
    return true;
  }

  bool stepBody() {
    const std::string_view in = std::string_view(received_).substr(start_);
    const BodyStep s = body_.next(in);
    EXPECT_LE(s.consumed, in.size());
    if (!s.data.empty()) {
      EXPECT_GE(s.data.data(), in.data());
      EXPECT_LE(s.data.data() + s.data.size(), in.data() + s.consumed);
    }
    out_.messages.back().body.append(s.data);
    start_ += s.consumed;
    if (s.status == ParseStatus::kError) {
      fail(s.error, o_.response ? 502 : errorStatus(s.error));
      return false;
    }
    if (s.status == ParseStatus::kDone) {
      out_.messages.back().complete = true;
      in_body_ = false;
      requests_.reset();
      responses_.reset(o_.request);
      return true;
    }
    return start_ < received_.size();
  }

  const RunOptions& o_;
  RequestParser requests_;
  ResponseParser responses_;
  BodyReader body_;
  std::string received_;
  size_t start_ = 0;
  bool in_body_ = false;
  Outcome out_;
};

}  // namespace

Outcome run(std::string_view input, const std::vector<size_t>& cuts, const RunOptions& options) {
  Connection c(options);
  size_t from = 0;
  for (size_t cut : cuts) {
    c.receive(input.substr(from, cut - from));
    from = cut;
  }
  c.receive(input.substr(from));
  return c.end();
}

Outcome runEveryWay(std::string_view input, const RunOptions& options) {
  const Outcome whole = run(input, {}, options);
  std::vector<size_t> every;
  for (size_t i = 1; i < input.size(); ++i) every.push_back(i);
  const Outcome bytes = run(input, every, options);
  EXPECT_EQ(bytes, whole) << "byte by byte: " << describe(bytes) << "\nwhole: " << describe(whole);
  for (size_t i = 1; i < input.size(); ++i) {
    const Outcome split = run(input, {i}, options);
    if (split != whole) {
      ADD_FAILURE() << "split at " << i << ": " << describe(split)
                    << "\nwhole: " << describe(whole);
      break;
    }
  }
  return whole;
}

std::string describe(const Outcome& o) {
  std::ostringstream s;
  s << "status " << int(o.status) << " error " << errorName(o.error) << " http " << o.http_status;
  for (const Message& m : o.messages)
    s << "\n  [" << m.method << m.status << " " << m.target << " head " << m.head_len << " kind "
      << int(m.framing.kind) << " body " << m.body.size() << (m.complete ? " complete" : "") << "]";
  return s.str();
}

}  // namespace vlb::l7::http::test
