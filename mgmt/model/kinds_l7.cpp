// Object kinds of the L7 proxy: certificates and L7 services with pools, rules and rewriting.
#include "mgmt/model/kinds.h"

namespace vlb::model::kinds {
namespace {

Object action(std::string name) {
  return {std::move(name), {
      scalar("pool", Type::kName, "Send to this pool"),
      object("redirect", {"redirect", {
          integer("status", 301, 308, "301, 302, 303, 307 or 308"),
          scalar("location", Type::kString, "Template: {scheme} {host} {uri} {path} {query}"),
      }}, "Answer with a redirect"),
      scalar("deny", Type::kBool, "Answer 403"),
      object("respond", {"respond", {
          integer("status", 200, 599, "Status code"),
          scalar("content_type", Type::kString, "Media type"),
          scalar("body", Type::kString, "Body"),
      }}, "Answer with a fixed response"),
  }};
}

Object match() {
  return {"match", {
      scalar("host", Type::kHostname, "Host, exact"),
      scalar("host_wildcard", Type::kString, "Host like *.example.com"),
      scalar("host_regex", Type::kString, "Host regex (PCRE2)"),
      scalar("path_prefix", Type::kString, "Path prefix, e.g. /owa"),
      scalar("path_regex", Type::kString, "Path regex (PCRE2)"),
      list("methods", scalar("", Type::kString, ""), "Methods"),
      object("header", {"header", {
          scalar("name", Type::kString, "Header name"),
          scalar("value", Type::kString, "Exact value"),
          scalar("regex", Type::kString, "Value regex"),
          scalar("present", Type::kBool, "Present with any value"),
      }}, "Header condition"),
  }};
}

Object pool() {
  return {"pool", {
      scalar("name", Type::kName, "Pool name"),
      choice("scheduler", {"rr", "wrr", "lc", "lcr"}, "Scheduler"),
      keyedList("reals", "real", {"real", {
          scalar("address", Type::kIpv4, "Real server address"),
          scalar("port", Type::kPort, "Real server port"),
          integer("weight", 0, 65535, "Weight"),
          realState(),
      }}, {"address", "port"}, "Real servers"),
      healthCheck(),
  }};
}

}  // namespace

void registerL7(Registry& r) {
  r.add("tls", keyedList("certificates", "certificate", {"certificate", {
      scalar("name", Type::kName, "Certificate name"),
      scalar("cert_file", Type::kPath, "PEM certificate"),
      scalar("key_file", Type::kPath, "PEM private key"),
      scalar("chain_file", Type::kPath, "PEM intermediate chain"),
      scalar("pfx_file", Type::kPath, "PKCS#12 file"),
      secret("password", "PKCS#12 password"),
  }}, {"name"}, "Server certificates"));
  r.add("l7", keyedList("l7_services", "l7-service", {"l7-service", {
      scalar("name", Type::kName, "Service name"),
      scalar("address", Type::kIpv4, "Virtual IP"),
      scalar("port", Type::kPort, "Port (default 80 or 443)"),
      choice("protocol", {"http", "https"}, "Protocol"),
      list("certificates", scalar("", Type::kName, ""), "Certificate names"),
      choice("ciphers", {"modern", "compatible"}, "Cipher preset"),
      object("reencrypt", {"reencrypt", {
          scalar("enabled", Type::kBool, "TLS to the reals"),
          scalar("sni", Type::kHostname, "SNI sent to the reals"),
          scalar("verify", Type::kBool, "Verify the reals' certificates"),
          scalar("ca_file", Type::kPath, "CA bundle for verify"),
      }}, "TLS to the reals"),
      keyedList("pools", "pool", pool(), {"name"}, "Pools of reals"),
      object("persistence", {"persistence", {
          choice("mode", {"none", "cookie", "source", "cookie-then-source"}, "Persistence mode"),
          scalar("cookie", Type::kString, "Cookie name"),
          integer("prefix_length", 0, 32, "Source netmask length"),
          duration("timeout_s", 1, 604800, "Source persistence timeout"),
      }}, "Persistence"),
      keyedList("rules", "rule", {"rule", {
          scalar("name", Type::kName, "Rule name"),
          object("match", match(), "Conditions, all must hold"),
          object("action", action("action"), "What a match does"),
      }}, {"name"}, "Content rules, first match wins"),
      object("default_action", action("default-action"), "When no rule matches (404)"),
      object("rewrite", {"rewrite", {
          map("location_hosts", scalar("", Type::kHostname, ""), "Location host rewriting"),
          map("cookie_domains", scalar("", Type::kString, ""), "Set-Cookie domain rewriting"),
      }}, "Response rewriting"),
      scalar("x_forwarded", Type::kBool, "Add X-Forwarded-* headers"),
      scalar("transparent", Type::kBool, "Connect from the client's address"),
      object("timeouts", {"timeouts", {
          duration("connect_s", 1, 3600, "Connect to a real"),
          duration("server_s", 1, 604800, "Wait for a real"),
          duration("client_s", 1, 604800, "Idle client"),
      }}, "Timeouts"),
      size("max_request_body", 0, int64_t(1) << 40, "Largest request body"),
      scalar("access_log", Type::kPath, "Access log file"),
  }}, {"name"}, "L7 (HTTP/HTTPS) services"));
}

}  // namespace vlb::model::kinds
