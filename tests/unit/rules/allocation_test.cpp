// decide() must not allocate once a worker's scratch and PCRE2 match data exist: this binary
// replaces operator new to count allocations made by the calling thread between two marks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "request_helper.h"

// GCC sees malloc in our operator new and free in our operator delete after inlining them into
// the standard allocators and calls it a mismatch; in a replacement pair it is the intent.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
thread_local bool counting = false;
thread_local int allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace vlb::l7::rules {
namespace {

TEST(RuleAllocation, DecideAllocatesNothingAfterWarmUp) {
  RuleSetSpec spec;
  RuleSpec regex_rule = test::poolRule("ucwa", "lync");
  regex_rule.hosts = {"*.example.com"};
  regex_rule.path_regex = "^/(ucwa|reach)/";
  regex_rule.headers.push_back({"User-Agent", HeaderMatch::kRegex, "Lync", true});
  spec.rules.push_back(regex_rule);
  RuleSpec prefix_rule = test::poolRule("owa", "exchange");
  prefix_rule.path_prefixes = {"/owa"};
  prefix_rule.methods = {"GET", "POST"};
  spec.rules.push_back(prefix_rule);
  auto set = test::compileOrFail(spec);
  ASSERT_NE(set, nullptr);
  test::Request plain(test::get("mail.example.com", "/owa/x", "User-Agent: Mozilla"));
  test::Request dotted(test::get("mail.example.com", "/a/../%6Fwa/x", "User-Agent: Mozilla"));
  test::Request nomatch(test::get("mail.example.com", "/other", "User-Agent: Lync"));
  MatchScratch scratch;
  // Warm-up: the thread's PCRE2 match data and the scratch's capacity.
  set->decide(dotted.head(), scratch);

  counting = true;
  allocations = 0;
  int rules_seen = 0;
  for (int k = 0; k < 100; ++k) {
    rules_seen += set->decide(plain.head(), scratch).rule;
    rules_seen += set->decide(dotted.head(), scratch).rule;
    rules_seen += set->decide(nomatch.head(), scratch).rule;
  }
  counting = false;
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(rules_seen, 100 * (1 + 1 - 1));  // the decisions were made: rule 1, 1, none
}

TEST(RuleAllocation, CounterSeesAllocations) {
  counting = true;
  allocations = 0;
  auto* p = new std::string(100, 'x');  // the counter works: this must be seen
  counting = false;
  delete p;
  EXPECT_GE(allocations, 1);
}

}  // namespace
}  // namespace vlb::l7::rules
