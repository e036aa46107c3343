// PCRE2 compile (with JIT) and allocation-free matching through per-thread match data.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "l7/rules/regex.h"

#include <pcre2.h>

#include <array>

namespace vlb::l7::rules {
namespace {

struct MatchDataFree {
  void operator()(pcre2_match_data* d) const { pcre2_match_data_free(d); }
};
struct MatchContextFree {
  void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
};

// One match data block and one match context per thread, created on its first match.
struct ThreadMatchState {
  std::unique_ptr<pcre2_match_data, MatchDataFree> data{pcre2_match_data_create(1, nullptr)};
  std::unique_ptr<pcre2_match_context, MatchContextFree> context{[] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    if (c != nullptr) pcre2_set_match_limit(c, Regex::kMatchLimit);
    return c;
  }()};
};

ThreadMatchState& threadState() {
  thread_local ThreadMatchState state;
  return state;
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern, bool caseless) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  uint32_t options = PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C;
  if (caseless) options |= PCRE2_CASELESS;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    std::array<PCRE2_UCHAR, 256> text{};
    pcre2_get_error_message(error_code, text.data(), text.size());
    return fail(std::string(reinterpret_cast<const char*>(text.data())) + " at offset " +
                std::to_string(error_offset));
  }
  // JIT is an optimisation: when the platform lacks it, pcre2_match() interprets.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  Regex r;
  r.code_ = std::shared_ptr<const pcre2_real_code_8>(
      code, [](const pcre2_real_code_8* c) { pcre2_code_free(const_cast<pcre2_code*>(c)); });
  r.pattern_ = std::string(pattern);
  return r;
}

bool Regex::matches(std::string_view subject) const {
  ThreadMatchState& state = threadState();
  if (state.data == nullptr || code_ == nullptr) return false;
  // PCRE2 10.42 refuses a null subject even when empty.
  const char* bytes = subject.empty() ? "" : subject.data();
  const int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(bytes), subject.size(), 0, 0,
                             state.data.get(), state.context.get());
  return rc >= 0;
}

}  // namespace vlb::l7::rules
