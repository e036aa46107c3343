// Content rules: ns per decision over a 20-rule Exchange + Lync publishing layout (first, middle
// and last rule, no match, a path that needs normalising), and Location rewriting.
// Run: build/perf/rules_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "l7/http/request_parser.h"
#include "l7/rules/rewrite.h"
#include "l7/rules/rule_set.h"

namespace {

using namespace vlb::l7::rules;

RuleSpec rule(std::string name, std::string pool) {
  RuleSpec r;
  r.name = std::move(name);
  r.action.kind = ActionKind::kPool;
  r.action.pool = std::move(pool);
  return r;
}

RuleSpec pathRule(std::string name, std::string pool, std::vector<std::string> prefixes) {
  RuleSpec r = rule(std::move(name), std::move(pool));
  r.hosts = {"mail.example.com"};
  r.path_prefixes = std::move(prefixes);
  return r;
}

std::unique_ptr<const RuleSet> exchangeLync() {
  RuleSetSpec s;
  s.rules.push_back(rule("oos", "office-online"));
  s.rules.back().hosts = {"oos.example.com"};
  RuleSpec health;
  health.name = "health";
  health.path_prefixes = {"/healthcheck.htm"};
  health.action = {ActionKind::kFixed, "", 200, "", "text/plain", "OK\n"};
  s.rules.push_back(health);
  RuleSpec ecp;
  ecp.name = "no-ecp";
  ecp.hosts = {"mail.example.com"};
  ecp.path_prefixes = {"/ecp"};
  ecp.action.kind = ActionKind::kDeny;
  s.rules.push_back(ecp);
  s.rules.push_back(pathRule("owa", "exchange-owa", {"/owa"}));
  s.rules.push_back(pathRule("ews", "exchange-ews", {"/ews"}));
  s.rules.push_back(pathRule("eas", "exchange-eas", {"/Microsoft-Server-ActiveSync"}));
  s.rules.push_back(pathRule("mapi", "exchange-mapi", {"/mapi"}));
  s.rules.push_back(pathRule("rpc", "exchange-rpc", {"/rpc"}));
  s.rules.push_back(pathRule("oab", "exchange-oab", {"/oab"}));
  s.rules.push_back(pathRule("autodiscover-path", "exchange-ad", {"/autodiscover"}));
  s.rules.push_back(rule("autodiscover-host", "exchange-ad"));
  s.rules.back().hosts = {"autodiscover.example.com"};
  s.rules.push_back(rule("msrpc-agent", "exchange-rpc"));
  s.rules.back().headers.push_back({"User-Agent", HeaderMatch::kRegex, "^MSRPC", true});
  s.rules.push_back(rule("lyncdiscover", "lync-web"));
  s.rules.back().hosts = {"lyncdiscover.example.com", "lyncdiscoverinternal.example.com"};
  s.rules.push_back(rule("meet", "lync-web"));
  s.rules.back().hosts = {"meet.example.com"};
  s.rules.push_back(rule("dialin", "lync-web"));
  s.rules.back().hosts = {"dialin.example.com"};
  s.rules.push_back(rule("lync-pool-hosts", "lync-web"));
  s.rules.back().hosts = {"*.lync.example.com"};
  s.rules.push_back(rule("lync-abs", "lync-web"));
  s.rules.back().hosts = {"lyncweb.example.com"};
  s.rules.back().path_prefixes = {"/abs", "/groupexpansion"};
  s.rules.push_back(rule("lync-services", "lync-web"));
  s.rules.back().hosts = {"lyncweb.example.com"};
  s.rules.back().path_regex = "^/(reach|ucwa|webticket|persistentchat|certprov)/";
  s.rules.push_back(rule("lync-options", "lync-web"));
  s.rules.back().methods = {"OPTIONS"};
  s.rules.back().host_regex = "^lync(web)?\\.example\\.com$";
  s.rules.push_back(rule("lync-scheduler", "lync-web"));
  s.rules.back().hosts = {"scheduler.example.com"};
  auto set = compileRuleSet(s);
  return set ? std::move(*set) : nullptr;
}

void decide(benchmark::State& state, const std::string& head) {
  static const auto set = exchangeLync();
  const std::string raw = head + "\r\n\r\n";
  vlb::l7::http::RequestParser parser;
  if (parser.parse(raw).status != vlb::l7::http::ParseStatus::kDone || set == nullptr) {
    state.SkipWithError("setup failed");
    return;
  }
  MatchScratch scratch;
  int rule = -2;
  for (auto _ : state) {
    const Decision d = set->decide(parser.head(), scratch);
    rule = d.rule;
    benchmark::DoNotOptimize(d);
  }
  state.counters["rule"] = rule;
  state.counters["rules"] = double(set->size());
}

const std::string kUa =
    "\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\n"
    "Accept: */*\r\nCookie: a=b";
BENCHMARK_CAPTURE(decide, owa_rule3,
                  "GET /owa/auth/logon.aspx?a=1 HTTP/1.1\r\nHost: mail.example.com" + kUa);
BENCHMARK_CAPTURE(decide, activesync_rule5,
                  "POST /Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\nHost: "
                  "mail.example.com\r\nContent-Length: 0" +
                      kUa);
BENCHMARK_CAPTURE(decide, lync_ucwa_regex_rule17,
                  "GET /ucwa/oauth/v1/applications HTTP/1.1\r\nHost: lyncweb.example.com" + kUa);
BENCHMARK_CAPTURE(decide, scheduler_last_rule19,
                  "GET /scheduler HTTP/1.1\r\nHost: scheduler.example.com" + kUa);
BENCHMARK_CAPTURE(decide, no_match, "GET /index.html HTTP/1.1\r\nHost: www.example.com" + kUa);
BENCHMARK_CAPTURE(decide, owa_dot_segments_rule3,
                  "GET /x/../%6Fwa/ HTTP/1.1\r\nHost: mail.example.com" + kUa);

void rewriteLocationBench(benchmark::State& state) {
  LocationRewrite r;
  r.hosts = {{"exch01.corp.local", "mail.example.com"}};
  r.scheme = SchemeRewrite::kToHttps;
  for (auto _ : state)
    benchmark::DoNotOptimize(
        rewriteLocation("http://exch01.corp.local/owa/", r, "mail.example.com"));
}
BENCHMARK(rewriteLocationBench);

void compileBench(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(exchangeLync());
}
BENCHMARK(compileBench)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
