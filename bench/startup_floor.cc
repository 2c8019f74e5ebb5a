// SPDX-License-Identifier: Apache-2.0
// bench-startup-floor: a program that does nothing but print a version line, linked against the
// same shared libraries as tidb-backups (libstdc++, fmt, OpenSSL, cpp-httplib). Its start-up is
// what those libraries cost before any of our code runs: the floor for `tidb-backups --version`.
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <cstdio>

#include <fmt/format.h>
#include <httplib.h>

int main(int argc, char** argv) {
    // Never true: the calls only make sure every library is really needed at link time.
    if (argc > 1000) {
        httplib::Client client(argv[1]);
        client.Get("/");
        SSL_CTX_free(SSL_CTX_new(TLS_client_method()));
        fmt::print("{}\n", EVP_MD_get_size(EVP_sha1()));
    }
    // Its only output: a failed write must not look like success.
    return std::fputs("bench-startup-floor 0\n", stdout) != EOF && std::fflush(stdout) == 0 ? 0 : 1;
}
