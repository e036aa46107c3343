// Typed parsing and rendering of single values (see values.h).
#include "mgmt/model/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "mgmt/config/config.h"

namespace vlb::model {
namespace {

bool toInt(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits "30s" into 30 and a multiplier from `units`; false on anything else.
bool withUnit(std::string_view s, std::initializer_list<std::pair<std::string_view, int64_t>> units,
              int64_t& out) {
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  int64_t n = 0;
  if (digits == 0 || digits > 15 || !toInt(s.substr(0, digits), n)) return false;
  std::string_view unit = s.substr(digits);
  if (unit.empty()) return out = n, true;
  for (const auto& [name, factor] : units)
    if (unit == name) return out = n * factor, true;
  return false;
}

bool isName(std::string_view s) {
  return !s.empty() && s.size() <= 63 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

bool isHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = std::min(s.find('.', start), s.size());
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    start = end + 1;
  }
  return true;
}

std::string range(const Field& f) { return std::to_string(f.min) + "-" + std::to_string(f.max); }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  return out;
}

Error refuse(std::string_view word, const std::string& why) { return fail(inQuotes(word) + " " + why); }

Result<Json> parseNumber(const Field& f, std::string_view word) {
  int64_t n = 0;
  bool good = false;
  std::string what;
  switch (f.type) {
    case Type::kDuration:
      good = withUnit(word, {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}}, n);
      what = "is not a duration (expected " + range(f) + " seconds, or e.g. 30s, 5m, 2h)";
      break;
    case Type::kSize:
      good = withUnit(word, {{"K", 1LL << 10}, {"M", 1LL << 20}, {"G", 1LL << 30}, {"T", 1LL << 40},
                             {"KiB", 1LL << 10}, {"MiB", 1LL << 20}, {"GiB", 1LL << 30}, {"TiB", 1LL << 40}},
                      n);
      what = "is not a size (expected " + range(f) + " bytes, or e.g. 64K, 16M, 2G)";
      break;
    default:
      good = toInt(word, n);
      what = "is not an integer between " + std::to_string(f.min) + " and " + std::to_string(f.max);
  }
  if (!good || n < f.min || n > f.max) return refuse(word, what);
  return Json(n);
}

Result<Json> parsePortRange(std::string_view word) {
  const char* why = "is not a port (expected 1-65535, a range such as 50000-59999, or any)";
  int64_t first = 0, last = 0;
  if (word == "any") return Json("any");
  size_t dash = word.find('-');
  if (dash == std::string_view::npos) {
    if (!toInt(word, first) || first < 1 || first > 65535) return refuse(word, why);
    return Json(first);
  }
  if (!toInt(word.substr(0, dash), first) || !toInt(word.substr(dash + 1), last) || first < 1 ||
      last > 65535 || first >= last)
    return refuse(word, why);
  return Json(std::string(word));
}

}  // namespace

std::string inQuotes(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Json> parseValue(const Field& f, std::string_view word) {
  switch (f.type) {
    case Type::kString:
      if (f.check != nullptr)
        if (const char* why = f.check(word)) return refuse(word, std::string(why) + " (expected " + f.expect + ")");
      return Json(std::string(word));
    case Type::kName:
      if (!isName(word)) return refuse(word, "is not a name (expected 1 to 63 of A-Z, a-z, 0-9, _, - and .)");
      return Json(std::string(word));
    case Type::kHostname:
      if (!isHostname(word)) return refuse(word, "is not a host name (expected e.g. mail.example.com)");
      return Json(std::string(word));
    case Type::kIpv4:
    case Type::kIpAddress: {
      auto a = config::parseIpAddress(word);
      if (!a || (f.type == Type::kIpv4 && a->family != AF_INET))
        return refuse(word, f.type == Type::kIpv4 ? "is not an IPv4 address (expected e.g. 192.0.2.1)"
                                                  : "is not an IP address (expected e.g. 192.0.2.1 or 2001:db8::1)");
      return Json(a->text);
    }
    case Type::kPrefix: {
      auto p = config::parseIpPrefix(word);
      if (!p) return refuse(word, "is not an IP prefix (expected e.g. 192.0.2.0/24)");
      return Json(p->text);
    }
    case Type::kPort: {
      int64_t n = 0;
      if (!toInt(word, n) || n < 1 || n > 65535) return refuse(word, "is not a port (expected 1-65535)");
      return Json(n);
    }
    case Type::kPortRange:
      return parsePortRange(word);
    case Type::kInteger:
    case Type::kDuration:
    case Type::kSize:
      return parseNumber(f, word);
    case Type::kBool:
      if (word == "true") return Json(true);
      if (word == "false") return Json(false);
      return refuse(word, "is not a boolean (expected true or false)");
    case Type::kEnum:
      if (std::find(f.choices.begin(), f.choices.end(), word) != f.choices.end()) return Json(std::string(word));
      return refuse(word, "is not one of " + joined(f.choices));
    case Type::kPath:
      if (word.empty() || word.front() != '/' || word.back() == '/')
        return refuse(word, "is not an absolute file path (expected e.g. /etc/vlb/file.pem)");
      return Json(std::string(word));
    default:
      return fail(inQuotes(f.word) + " takes no single value");
  }
}

std::string valueWord(const Field& f, const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (f.type == Type::kSize && value.is_number_integer()) {
    const int64_t n = value.get<int64_t>();
    constexpr std::pair<int64_t, const char*> units[] = {{1LL << 40, "T"}, {1LL << 30, "G"}, {1LL << 20, "M"}, {1LL << 10, "K"}};
    for (const auto& [factor, unit] : units)
      if (n != 0 && n % factor == 0) return std::to_string(n / factor) + unit;
  }
  return value.dump();
}

std::string typeHint(const Field& f) {
  switch (f.type) {
    case Type::kString: return f.check ? "<" + f.expect + ">" : "<text>";
    case Type::kName: return "<name>";
    case Type::kHostname: return "<hostname>";
    case Type::kIpv4: return "<ipv4>";
    case Type::kIpAddress: return "<ip-address>";
    case Type::kPrefix: return "<prefix>";
    case Type::kPort: return "<1-65535>";
    case Type::kPortRange: return "<port|first-last|any>";
    case Type::kInteger: return "<" + range(f) + ">";
    case Type::kDuration: return "<seconds " + range(f) + ">";
    case Type::kSize: return "<bytes>";
    case Type::kBool: return "<true|false>";
    case Type::kEnum: {
      std::string out;
      for (const std::string& c : f.choices) out += (out.empty() ? "<" : "|") + c;
      return out + ">";
    }
    case Type::kPath: return "<file-path>";
    default: return "<" + f.word + ">";
  }
}

std::string quoteWord(std::string_view word) {
  bool plain = !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '\\' || c == '#' || c == ';';
  });
  if (plain) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace vlb::model
