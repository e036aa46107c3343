// The word splitter's state machine, shared by splitting and by completion's look at the last word.
#include "mgmt/shell/word_splitter.h"

namespace vlb::shell {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool needsQuoting(char c) {
  return isBlank(c) || c == '\'' || c == '"' || c == '\\' || c == ';' || c == '#' || c == '\n';
}

struct Scan {
  std::vector<Words> commands{{}};
  std::string word;
  bool in_word = false;
  size_t word_start = 0;
  char quote = 0;            // '\'' or '"' while inside quotes
  size_t quote_column = 0;
  bool trailing_backslash = false;
  bool in_comment = false;

  void endWord() {
    if (in_word) commands.back().push_back(word);
    word.clear();
    in_word = false;
  }
  void startWord(size_t at) {
    if (!in_word) word_start = at;
    in_word = true;
  }
};

Scan scan(std::string_view line) {
  Scan s;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (s.in_comment) {
      if (c == '\n') {
        s.in_comment = false;
        s.commands.emplace_back();
      }
      continue;
    }
    if (s.quote == '\'') {
      if (c == '\'') s.quote = 0;
      else s.word += c;
      continue;
    }
    if (s.quote == '"') {
      if (c == '"') {
        s.quote = 0;
      } else if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
        s.word += line[++i];
      } else {
        s.word += c;
      }
      continue;
    }
    if (c == '\\') {
      s.startWord(i);
      if (i + 1 == line.size()) {
        s.trailing_backslash = true;
        break;
      }
      s.word += line[++i];
    } else if (c == '\'' || c == '"') {
      s.startWord(i);
      s.quote = c;
      s.quote_column = i + 1;
    } else if (isBlank(c)) {
      s.endWord();
    } else if (c == ';' || c == '\n') {
      s.endWord();
      s.commands.emplace_back();
    } else if (c == '#' && !s.in_word) {
      s.in_comment = true;
    } else {
      s.startWord(i);
      s.word += c;
    }
  }
  return s;
}

}  // namespace

Result<std::vector<Words>> splitCommands(std::string_view line) {
  Scan s = scan(line);
  if (s.quote)
    return fail(std::string("unterminated ") + (s.quote == '\'' ? "single" : "double") +
                " quote opened at column " + std::to_string(s.quote_column));
  if (s.trailing_backslash) return fail("the line ends with a backslash: nothing for it to escape");
  s.endWord();
  std::vector<Words> out;
  for (auto& c : s.commands)
    if (!c.empty()) out.push_back(std::move(c));
  return out;
}

size_t partialWordStart(std::string_view line) {
  Scan s = scan(line);
  if (s.in_comment) return line.size();
  return s.in_word || s.quote ? s.word_start : line.size();
}

std::string unquotePartial(std::string_view partial) {
  Scan s = scan(partial);
  return s.word;
}

std::string quoteWord(std::string_view word) {
  if (word.empty()) return "''";
  std::string out;
  for (char c : word) {
    if (needsQuoting(c)) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace vlb::shell
