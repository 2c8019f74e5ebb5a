// SPDX-License-Identifier: Apache-2.0
// Test certificates made in memory (EC P-256, SHA-256): a CA, leaves it issues (valid, expired,
// for the wrong host) and self-signed ones, to serve the emulator over HTTPS.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace tidb_backups::testing {

struct PemPair {
    std::string cert_pem;
    std::string key_pem;  // unencrypted PKCS#8
};

// A root CA (CA:TRUE, keyCertSign), valid from an hour ago for ten years.
PemPair make_ca(std::string_view common_name);

// A server certificate signed by `ca` for the given DNS names and IP addresses (subjectAltName;
// none at all leaves the extension out). Its validity runs from now + not_before_offset to
// now + not_after_offset: two negative offsets make an expired certificate.
PemPair issue_certificate(const PemPair& ca, std::vector<std::string> dns_names,
                          std::vector<std::string> ip_addresses,
                          std::chrono::seconds not_before_offset = std::chrono::hours(-1),
                          std::chrono::seconds not_after_offset = std::chrono::hours(24));

// A self-signed server certificate (CA:FALSE), trusted only where it is itself the trust anchor.
PemPair make_self_signed(std::vector<std::string> dns_names, std::vector<std::string> ip_addresses);

// Checks `cert_pem` against the certificates in `trusted_pem` as a TLS client would, including
// the host name (or IP address) when `host` is not empty. Returns X509_V_OK or the X509_V_ERR_*
// code of the first problem found.
int verify_certificate(std::string_view cert_pem, std::string_view trusted_pem,
                       std::string_view host = {});

// The subjectAltName entries of a certificate, as "DNS:name" and "IP:address".
std::vector<std::string> subject_alt_names(std::string_view cert_pem);

}  // namespace tidb_backups::testing
