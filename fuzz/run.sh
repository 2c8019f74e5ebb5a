#!/usr/bin/env bash
# Builds the fuzz preset and runs every fuzz_* target for SECONDS (default 30) on a copy of its
# seed corpus; exits non-zero on the first finding (the crash input is left in build/fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

for target in fuzz_response fuzz_config fuzz_cli; do
    name=${target#fuzz_}
    work=build/fuzz/corpus-$name
    mkdir -p "$work"
    cp -n fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
    echo "== $target: ${seconds}s" >&2
    (cd build/fuzz && ./fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "corpus-$name" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true)
    # libFuzzer leaves crash-*/leak-*/timeout-* files when it finds something.
    if compgen -G "build/fuzz/crash-*" >/dev/null || compgen -G "build/fuzz/leak-*" >/dev/null ||
        compgen -G "build/fuzz/timeout-*" >/dev/null; then
        echo "fuzz: $target found a problem; inputs in build/fuzz/" >&2
        exit 1
    fi
done
