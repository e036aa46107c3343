// How vlbsh cuts a line into commands and words, the way a POSIX shell would without expansions:
// blanks separate words; 'single quotes' keep everything literally; "double quotes" keep
// everything but \" and \\; a backslash outside quotes keeps the next character literally; an
// unquoted ';' (or a newline) ends a command; an unquoted '#' at the start of a word starts a
// comment that runs to the end of the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mgmt/common/result.h"

namespace vlb::shell {

using Words = std::vector<std::string>;

// The commands of one line, empty ones left out. Errors say what and at which column (1-based).
Result<std::vector<Words>> splitCommands(std::string_view line);

// For completion: the offset where the line's last, unfinished word starts; line.size() when a
// new word would start there (after a blank or ';', or inside a comment).
size_t partialWordStart(std::string_view line);

// The word as the server will see it: quotes and escapes removed; unterminated quotes tolerated.
std::string unquotePartial(std::string_view partial);

// A word written so that splitCommands gives it back unchanged (escapes what needs it).
std::string quoteWord(std::string_view word);

}  // namespace vlb::shell
