// JSON text to a document, refusing what nlohmann would accept silently: a field given twice
// (the last would win unseen) and absurd nesting. Syntax errors get a line and column.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mgmt/config/config_internal.h"

namespace vlb::config::detail {
namespace {

constexpr size_t kMaxDepth = 16;      // the config itself needs 3
constexpr size_t kMaxWhatText = 100;  // nlohmann's own words, cut beyond this

struct Refusal {
  std::string message;
};

// Follows the parser's events to know where it is, for messages; refuses duplicate keys.
class KeyTracker {
 public:
  void onEvent(int depth, Json::parse_event_t event, const Json& parsed) {
    size_t d = static_cast<size_t>(std::max(depth, 0));
    if (frames_.size() > d) frames_.resize(d);
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        open(d, event == Json::parse_event_t::array_start);
        break;
      case Json::parse_event_t::key:
        if (d > 0 && d <= frames_.size()) addKey(frames_[d - 1], parsed.get<std::string>());
        break;
      case Json::parse_event_t::value:
        if (d > 0 && d <= frames_.size() && frames_[d - 1].is_array) ++frames_[d - 1].next_index;
        break;
      default:
        break;
    }
  }

 private:
  struct Frame {
    std::string path;  // e.g. `ports[0]`; empty for the top level
    bool is_array = false;
    size_t next_index = 0;
    std::string key;  // the latest key of an object
    std::set<std::string> keys;
  };

  void open(size_t depth, bool is_array) {
    Frame f;
    f.is_array = is_array;
    if (depth > 0 && depth <= frames_.size()) {
      Frame& parent = frames_[depth - 1];
      if (parent.is_array) {
        f.path = parent.path + "[" + std::to_string(parent.next_index++) + "]";
      } else {
        f.path = parent.path.empty() ? parent.key : parent.path + "." + parent.key;
      }
    }
    if (depth >= kMaxDepth) {
      throw Refusal{(f.path.empty() ? "" : f.path + ": ") + "nesting deeper than " +
                    std::to_string(kMaxDepth) + " levels"};
    }
    frames_.push_back(std::move(f));
  }

  static void addKey(Frame& frame, std::string key) {
    if (!frame.keys.insert(key).second) {
      throw Refusal{(frame.path.empty() ? "" : frame.path + ": ") + "field " + quote(key) +
                    " appears twice"};
    }
    frame.key = std::move(key);
  }

  std::vector<Frame> frames_;
};

// nlohmann's message without its "[json.exception...] parse error at line, column:" preamble
// and "syntax error while parsing X - " lead-in.
std::string shortWhat(std::string what) {
  size_t at = what.find("column ");
  at = at == std::string::npos ? std::string::npos : what.find(": ", at);
  if (at != std::string::npos) {
    what.erase(0, at + 2);
  } else if (size_t bracket = what.find("] "); bracket != std::string::npos) {
    what.erase(0, bracket + 2);
  }
  const std::string lead = "syntax error while parsing ";
  if (what.compare(0, lead.size(), lead) == 0) {
    if (size_t dash = what.find(" - "); dash != std::string::npos) what.erase(0, dash + 3);
  }
  if (what.size() > kMaxWhatText) what = what.substr(0, kMaxWhatText - 3) + "...";
  return what;
}

// `line L, column C` of the byte nlohmann stopped at (its `byte` counts from 1).
std::string position(std::string_view text, size_t byte) {
  size_t offset = std::min(byte == 0 ? 0 : byte - 1, text.size());
  std::string_view before = text.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  size_t last_newline = before.rfind('\n');
  size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Status parseDocument(std::string_view text, Json& out) {
  KeyTracker tracker;
  auto callback = [&tracker](int depth, Json::parse_event_t event, Json& parsed) {
    tracker.onEvent(depth, event, parsed);
    return true;
  };
  try {
    out = Json::parse(text, callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Refusal& r) {
    return fail(r.message);
  } catch (const Json::parse_error& e) {
    return fail(position(text, e.byte) + ": " + shortWhat(e.what()));
  } catch (const Json::exception& e) {
    return fail(shortWhat(e.what()));
  }
  return Ok{};
}

}  // namespace vlb::config::detail
