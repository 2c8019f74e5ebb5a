// SPDX-License-Identifier: Apache-2.0
#include "support/tls_cert.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace tidb_backups::testing {

namespace {

template <auto free_function>
struct Free {
    template <typename T>
    void operator()(T* p) const {
        free_function(p);
    }
};

using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Free<X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using OctetsPtr = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;

struct FreeCertStack {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), FreeCertStack>;

// Drains OpenSSL's error queue into the message, so the next failure starts clean.
[[noreturn]] void throw_openssl_error(std::string_view what) {
    std::string message = fmt::format("test certificate: {} failed", what);
    while (unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        message += fmt::format("; {}", text);
    }
    throw std::runtime_error(message);
}

void check(int result, std::string_view what) {
    if (result <= 0) {
        throw_openssl_error(what);
    }
}

template <typename T>
T* check(T* pointer, std::string_view what) {
    if (pointer == nullptr) {
        throw_openssl_error(what);
    }
    return pointer;
}

BioPtr memory_bio(std::string_view data) {
    return BioPtr(check(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), "BIO"));
}

std::string bio_text(BIO* bio) {
    BUF_MEM* memory = nullptr;
    BIO_get_mem_ptr(bio, &memory);
    return std::string(memory->data, memory->length);
}

CertPtr read_cert(std::string_view pem) {
    BioPtr bio = memory_bio(pem);
    return CertPtr(check(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                         "reading a PEM certificate"));
}

// Every certificate in a PEM bundle, in order.
std::vector<CertPtr> read_certs(std::string_view pem) {
    BioPtr bio = memory_bio(pem);
    std::vector<CertPtr> certs;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        certs.emplace_back(cert);
    }
    ERR_clear_error();  // the end of the bundle reads as "no start line"
    if (certs.empty()) {
        throw std::runtime_error("test certificate: no PEM certificate found");
    }
    return certs;
}

KeyPtr read_key(std::string_view pem) {
    BioPtr bio = memory_bio(pem);
    return KeyPtr(check(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                        "reading a PEM private key"));
}

KeyPtr new_key() {
    return KeyPtr(check(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), "EC P-256 keygen"));
}

PemPair to_pem(X509* cert, EVP_PKEY* key) {
    BioPtr cert_bio(check(BIO_new(BIO_s_mem()), "BIO"));
    BioPtr key_bio(check(BIO_new(BIO_s_mem()), "BIO"));
    check(PEM_write_bio_X509(cert_bio.get(), cert), "writing the certificate");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
          "writing the private key");
    return PemPair{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

// A certificate with everything but extensions and signature: subject, issuer, validity, key.
CertPtr new_cert(std::string_view common_name, X509* issuer, EVP_PKEY* key,
                 std::chrono::seconds not_before_offset, std::chrono::seconds not_after_offset) {
    CertPtr cert(check(X509_new(), "X509_new"));
    check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
    // Random serials: two certificates from one issuer must never share one.
    unsigned char bytes[8];
    check(RAND_bytes(bytes, sizeof bytes), "RAND_bytes");
    uint64_t serial = 0;
    for (unsigned char byte : bytes) {
        serial = (serial << 8) | byte;
    }
    serial = (serial >> 1) | 1;
    check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial), "serial number");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_offset.count()) ? 1 : 0,
          "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after_offset.count()) ? 1 : 0,
          "notAfter");
    X509_NAME* subject = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>("tidb-backups tests"),
                                     -1, -1, 0),
          "subject O");
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.data()),
                                     static_cast<int>(common_name.size()), -1, 0),
          "subject CN");
    X509* issuer_cert = issuer != nullptr ? issuer : cert.get();
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert)), "issuer name");
    check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
    return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* extension =
        check(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value), OBJ_nid2sn(nid));
    int added = X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
    check(added, OBJ_nid2sn(nid));
}

void add_alt_names(X509* cert, const std::vector<std::string>& dns_names,
                   const std::vector<std::string>& ip_addresses) {
    if (dns_names.empty() && ip_addresses.empty()) {
        return;
    }
    NamesPtr names(check(sk_GENERAL_NAME_new_null(), "GENERAL_NAMES"));
    auto push = [&](int type, ASN1_STRING* value) {
        GENERAL_NAME* name = GENERAL_NAME_new();
        if (name == nullptr) {
            ASN1_STRING_free(value);
            throw_openssl_error("GENERAL_NAME_new");
        }
        GENERAL_NAME_set0_value(name, type, value);
        if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
            GENERAL_NAME_free(name);
            throw_openssl_error("subjectAltName");
        }
    };
    for (const auto& dns : dns_names) {
        ASN1_IA5STRING* value = check(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new");
        if (ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) <= 0) {
            ASN1_IA5STRING_free(value);
            throw_openssl_error("subjectAltName DNS");
        }
        push(GEN_DNS, value);
    }
    for (const auto& ip : ip_addresses) {
        ASN1_OCTET_STRING* value = a2i_IPADDRESS(ip.c_str());
        if (value == nullptr) {
            ERR_clear_error();
            throw std::invalid_argument(
                fmt::format("test certificate: \"{}\" is not an IP address", ip));
        }
        push(GEN_IPADD, value);
    }
    check(X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT),
          "subjectAltName");
}

void sign(X509* cert, EVP_PKEY* key) {
    check(X509_sign(cert, key, EVP_sha256()), "X509_sign");
}

std::string leaf_common_name(const std::vector<std::string>& dns_names,
                             const std::vector<std::string>& ip_addresses) {
    if (!dns_names.empty()) {
        return dns_names.front();
    }
    return ip_addresses.empty() ? "tidb-backups test server" : ip_addresses.front();
}

constexpr std::chrono::seconds kTenYears = std::chrono::hours(24 * 3650);

}  // namespace

PemPair make_ca(std::string_view common_name) {
    KeyPtr key = new_key();
    CertPtr cert = new_cert(common_name, nullptr, key.get(), std::chrono::hours(-1), kTenYears);
    add_extension(cert.get(), nullptr, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), nullptr, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), nullptr, NID_subject_key_identifier, "hash");
    sign(cert.get(), key.get());
    return to_pem(cert.get(), key.get());
}

PemPair issue_certificate(const PemPair& ca, std::vector<std::string> dns_names,
                          std::vector<std::string> ip_addresses,
                          std::chrono::seconds not_before_offset,
                          std::chrono::seconds not_after_offset) {
    CertPtr ca_cert = read_cert(ca.cert_pem);
    KeyPtr ca_key = read_key(ca.key_pem);
    KeyPtr key = new_key();
    CertPtr cert = new_cert(leaf_common_name(dns_names, ip_addresses), ca_cert.get(), key.get(),
                            not_before_offset, not_after_offset);
    add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
    add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
    add_alt_names(cert.get(), dns_names, ip_addresses);
    sign(cert.get(), ca_key.get());
    return to_pem(cert.get(), key.get());
}

PemPair make_self_signed(std::vector<std::string> dns_names,
                         std::vector<std::string> ip_addresses) {
    KeyPtr key = new_key();
    CertPtr cert = new_cert(leaf_common_name(dns_names, ip_addresses), nullptr, key.get(),
                            std::chrono::hours(-1), std::chrono::hours(24));
    add_extension(cert.get(), nullptr, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), nullptr, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), nullptr, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), nullptr, NID_subject_key_identifier, "hash");
    add_alt_names(cert.get(), dns_names, ip_addresses);
    sign(cert.get(), key.get());
    return to_pem(cert.get(), key.get());
}

int verify_certificate(std::string_view cert_pem, std::string_view trusted_pem,
                       std::string_view host) {
    std::vector<CertPtr> presented = read_certs(cert_pem);
    StorePtr store(check(X509_STORE_new(), "X509_STORE_new"));
    for (const auto& trusted : read_certs(trusted_pem)) {
        check(X509_STORE_add_cert(store.get(), trusted.get()), "X509_STORE_add_cert");
    }
    // What follows the leaf in cert_pem is the chain the server would send with it.
    CertStackPtr chain(check(sk_X509_new_null(), "sk_X509_new_null"));
    for (size_t i = 1; i < presented.size(); ++i) {
        check(sk_X509_push(chain.get(), presented[i].get()), "sk_X509_push");
        X509_up_ref(presented[i].get());
    }
    StoreCtxPtr ctx(check(X509_STORE_CTX_new(), "X509_STORE_CTX_new"));
    check(X509_STORE_CTX_init(ctx.get(), store.get(), presented[0].get(), chain.get()),
          "X509_STORE_CTX_init");
    check(X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER), "set purpose");
    if (!host.empty()) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
        std::string host_text(host);
        OctetsPtr ip(a2i_IPADDRESS(host_text.c_str()));
        ERR_clear_error();
        if (ip != nullptr) {
            check(X509_VERIFY_PARAM_set1_ip_asc(param, host_text.c_str()), "set1_ip_asc");
        } else {
            check(X509_VERIFY_PARAM_set1_host(param, host_text.data(), host_text.size()),
                  "set1_host");
        }
    }
    int result = X509_verify_cert(ctx.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return result;
}

std::vector<std::string> subject_alt_names(std::string_view cert_pem) {
    CertPtr cert = read_cert(cert_pem);
    NamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
    std::vector<std::string> result;
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            const ASN1_STRING* dns = name->d.dNSName;
            result.push_back("DNS:" +
                             std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                         static_cast<size_t>(ASN1_STRING_length(dns))));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* ip = name->d.iPAddress;
            int family = ASN1_STRING_length(ip) == 16 ? AF_INET6 : AF_INET;
            char text[INET6_ADDRSTRLEN] = {};
            inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text);
            result.push_back(std::string("IP:") + text);
        }
    }
    return result;
}

}  // namespace tidb_backups::testing
