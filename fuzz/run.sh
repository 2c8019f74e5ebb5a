#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the fuzz preset and runs every fuzz_* target for SECONDS (default 30) on a copy of its
# seed corpus, as many targets at once as there are CPUs; exits non-zero if any target found a
# problem (the input is left in build/fuzz/findings-NAME/, the log in build/fuzz/TARGET.log).
# The last lines of each log give executions and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# Runs one target; prints its summary, and the end of its log if it found something.
fuzz_target() {
    local target=$1 name=${1#fuzz_}
    local work=build/fuzz/corpus-$name
    local findings=build/fuzz/findings-$name  # this run's crash-*/leak-*/timeout-*/oom-* inputs
    mkdir -p "$work"
    rm -rf "$findings" && mkdir -p "$findings"
    cp -n fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
    local status=0
    (cd build/fuzz && ./fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="findings-$name/" "corpus-$name" \
        >"$target.log" 2>&1) || status=$?
    {
        echo "== $target: ${seconds}s"
        grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" \
            "build/fuzz/$target.log" || true
    } >&2
    # libFuzzer exits non-zero and leaves an input in $findings when it finds something.
    if [[ $status -ne 0 ]] || [[ -n "$(ls -A "$findings")" ]]; then
        echo "fuzz: $target found a problem (exit $status); see build/fuzz/$target.log" \
            "and $findings/" >&2
        tail -n 40 "build/fuzz/$target.log" >&2
        return 1
    fi
}

targets=(fuzz_response fuzz_http fuzz_config fuzz_cli)
jobs=$(nproc)
failed=0
running=0
for target in "${targets[@]}"; do
    if ((running >= jobs)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
    fuzz_target "$target" &
    running=$((running + 1))
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done
exit "$failed"
