# SPDX-License-Identifier: Apache-2.0
# Finds every third-party library from Debian's packages; a missing one stops configuration
# with the exact apt-get line that installs it (nothing is ever downloaded at build time).

set(TIDB_BACKUPS_APT_PACKAGES
    "cmake ninja-build g++ pkg-config libcli11-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libfmt-dev catch2")

function(tidb_backups_require found what package)
    if(NOT ${found})
        message(FATAL_ERROR
            "${what} was not found. Install it with:\n"
            "  sudo apt-get install ${package}\n"
            "or everything this project needs with:\n"
            "  sudo apt-get install ${TIDB_BACKUPS_APT_PACKAGES}")
    endif()
endfunction()

find_package(PkgConfig QUIET)
tidb_backups_require(PKG_CONFIG_FOUND "pkg-config" "pkg-config")

find_package(OpenSSL 3 QUIET)
tidb_backups_require(OpenSSL_FOUND "OpenSSL 3 (headers and libraries)" "libssl-dev")

find_package(CLI11 2 QUIET CONFIG)
tidb_backups_require(CLI11_FOUND "CLI11" "libcli11-dev")

find_package(nlohmann_json 3.10 QUIET CONFIG)
tidb_backups_require(nlohmann_json_FOUND "nlohmann/json" "nlohmann-json3-dev")

find_package(fmt 9 QUIET CONFIG)
tidb_backups_require(fmt_FOUND "fmt" "libfmt-dev")

# Debian ships cpp-httplib compiled; its .pc file carries the defines (OpenSSL, zlib, brotli)
# that must match how the library was built, so take them from pkg-config, not by hand.
pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib>=0.11)
tidb_backups_require(HTTPLIB_FOUND "cpp-httplib (cpp-httplib.pc)" "libcpp-httplib-dev")

find_package(Threads REQUIRED)

if(TIDB_BACKUPS_BUILD_TESTS)
    find_package(Catch2 2 QUIET CONFIG)
    tidb_backups_require(Catch2_FOUND "Catch2 v2" "catch2")
    include(Catch)
endif()
