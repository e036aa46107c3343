// The names in a certificate: subject CN, DNS subjectAltNames, the host names a server
// certificate answers for, and the SNI matching rule (exact, or a wildcard for one left label).
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

namespace vlb::l7::tls {

std::string commonName(X509* cert);            // "" when the subject has none
std::vector<std::string> dnsAltNames(X509* cert);  // DNS SANs in certificate order
std::string subjectLine(X509* cert);           // "CN=mail.example.com,O=Example" (RFC 2253)
std::string issuerLine(X509* cert);

// Lower-case names this certificate serves: its DNS SANs, or its CN when it has no DNS SAN
// (what clients do, RFC 6125). May contain wildcards such as "*.example.com".
std::vector<std::string> serverNames(X509* cert);

// Lower-cases ASCII and drops one trailing dot: the form SNI lookups use.
std::string normaliseHostName(std::string_view name);

// "*.example.com" for "mail.example.com"; "" when the name has no parent to wildcard.
std::string wildcardFor(std::string_view normalised_name);

}  // namespace vlb::l7::tls
