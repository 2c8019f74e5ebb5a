#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages that building and testing tidb-backups needs, if missing;
# with --tools also what fuzz/run.sh and scripts/static-checks.sh need (clang, clang-tidy,
# cppcheck), which CI does not run.
set -euo pipefail

packages=(
    # build
    cmake ninja-build g++ pkg-config git tzdata
    libcli11-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libfmt-dev catch2
    # tests: real shells for the completion scripts, man page rendering, the .deb and lintian,
    # a proxy, a terminal multiplexer for the first-run session
    zsh fish bash-completion groff-base man-db dpkg-dev file lintian tinyproxy tmux
    # tests: the real consumers of `check -o prometheus` (promtool, the textfile collector)
    prometheus prometheus-node-exporter
)
if [ "${1:-}" = "--tools" ]; then
    packages+=(
        # fuzzing (clang with libFuzzer)
        clang libclang-rt-14-dev
        # scripts/static-checks.sh (clang-tidy also installs run-clang-tidy)
        clang-tidy cppcheck
    )
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "installing: ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
