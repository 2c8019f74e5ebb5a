#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Static checks: clang-tidy (with .clang-tidy) and cppcheck over the sources in src/, fuzz/ and
# bench/ (not tests/). Prints one summary line per tool; exits non-zero on any finding, after
# printing the findings. The logs stay in build/static-checks/.
#
# The compile commands come from build/static-checks, configured here with clang and with the
# fuzz and bench targets on, so that one compile_commands.json holds all three directories (the
# dev preset has no fuzz targets). Configuring it again is quick and picks up new files.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/static-checks
jobs=$(nproc)

for tool in cmake ninja clang++ clang-tidy run-clang-tidy cppcheck; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "static-checks: $tool is missing; scripts/install-deps.sh --tools installs it" >&2
        exit 2
    fi
done

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DTIDB_BACKUPS_FUZZ=ON -DTIDB_BACKUPS_BUILD_BENCH=ON -DTIDB_BACKUPS_BUILD_TESTS=OFF \
    -DTIDB_BACKUPS_WERROR=ON >/dev/null

status=0
no_colour() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }

# --- clang-tidy -----------------------------------------------------------------------------

# run-clang-tidy selects the files of the database with a regular expression on their paths.
root_regex=$(printf '%s' "$PWD" | sed 's/[][\\.^$*+?(){}|]/\\&/g')
log=$build/clang-tidy.log
start=$SECONDS
tidy_status=0
# -Wno-unknown-warning-option: should a compile command carry a GCC-only warning flag.
run-clang-tidy -p "$build" -j "$jobs" -quiet -extra-arg=-Wno-unknown-warning-option \
    "^$root_regex/(src|fuzz|bench)/.*\\.cc\$" >"$log" 2>&1 || tidy_status=$?
# run-clang-tidy prints each clang-tidy command line, then what it found.
files=$(no_colour "$log" | grep -c '^clang-tidy' || true)
# A finding in a header is reported once per file that includes it; count it once.
findings=$(no_colour "$log" | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' | sort -u || true)
count=$(grep -c . <<<"$findings" || true)
if ((tidy_status != 0 || count > 0 || files == 0)); then
    no_colour "$log" |
        grep -vE '^(clang-tidy|[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$)' >&2 || true
    echo "clang-tidy: $count finding(s) in $files files, $((SECONDS - start)) s" \
        "(exit status $tidy_status; log: $log)"
    status=1
else
    echo "clang-tidy: clean, $files files, $((SECONDS - start)) s"
fi

# --- cppcheck -------------------------------------------------------------------------------

# --project gives each file its own defines and include directories (the generated version.h
# too); the libraries' headers are left out (missingIncludeSystem), which keeps it quick.
log=$build/cppcheck.log
start=$SECONDS
cppcheck_status=0
cppcheck --project="$build/compile_commands.json" \
    --file-filter='src/*' --file-filter='fuzz/*' --file-filter='bench/*' \
    --enable=warning,performance,portability --std=c++20 --inline-suppr \
    --suppress=missingIncludeSystem --error-exitcode=1 -j "$jobs" \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]\n{code}' >"$log" 2>&1 ||
    cppcheck_status=$?
files=$(grep -cE '^Checking [^ ]+ \.\.\.$' "$log" || true)
count=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: [a-z]+: ' "$log" || true)
if ((cppcheck_status != 0 || count > 0 || files == 0)); then
    grep -vE '^(Checking |[0-9]+/[0-9]+ files checked)' "$log" >&2 || true
    echo "cppcheck: $count finding(s) in $files files, $((SECONDS - start)) s" \
        "(exit status $cppcheck_status; log: $log)"
    status=1
else
    echo "cppcheck: clean, $files files, $((SECONDS - start)) s"
fi

exit "$status"
