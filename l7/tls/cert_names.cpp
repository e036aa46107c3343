// Reading names out of X.509 certificates and the SNI name rules.
#include "l7/tls/cert_names.h"

#include <openssl/x509v3.h>

#include <algorithm>

#include "l7/tls/openssl_ptr.h"

namespace vlb::l7::tls {
namespace {

std::string nameLine(const X509_NAME* name) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  if (!mem || X509_NAME_print_ex(mem.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  long len = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

std::string commonName(X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::vector<std::string> dnsAltNames(X509* cert) {
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = gn->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                       static_cast<size_t>(ASN1_STRING_length(dns)));
  }
  GENERAL_NAMES_free(sans);
  return names;
}

std::string subjectLine(X509* cert) { return nameLine(X509_get_subject_name(cert)); }
std::string issuerLine(X509* cert) { return nameLine(X509_get_issuer_name(cert)); }

std::vector<std::string> serverNames(X509* cert) {
  std::vector<std::string> names = dnsAltNames(cert);
  if (names.empty()) {
    std::string cn = commonName(cert);
    if (!cn.empty()) names.push_back(cn);
  }
  for (auto& n : names) n = normaliseHostName(n);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string normaliseHostName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string wildcardFor(std::string_view normalised_name) {
  size_t dot = normalised_name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= normalised_name.size()) return "";
  // A wildcard never stands for a whole registrable name: "*.com" must not match "example.com".
  if (normalised_name.find('.', dot + 1) == std::string_view::npos) return "";
  return "*" + std::string(normalised_name.substr(dot));
}

}  // namespace vlb::l7::tls
