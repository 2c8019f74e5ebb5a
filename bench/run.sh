#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the benchmarks against the emulator and prints the results as markdown on stdout;
# progress and build output go to stderr. See bench/README.md.
#
#   bench/run.sh [--build-dir DIR] [--no-build] [--runs N] [--only NAME,...] [--emulator FILE]
#
# NAME is one of pages, clusters, https, startup, rss, instructions, fleet (default: all). --emulator
# serves from another emulator binary than the one built (to try a change to the emulator).
# Timings are medians of N interleaved runs (default 7), reported as ratios to a bound computed
# from the injected latency: the machines this runs on are shared and noisy.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build/bench"
BUILD=1
EMU=""
RUNS=7
ONLY="pages,clusters,https,startup,rss,instructions,fleet"
STARTUP_RUNS=51
LATENCY=50      # ms, injected by the emulator into every API answer
CONCURRENCY=8   # the CLI's default --concurrency
PAGE_SIZE=30    # the CLI's default (and the API's largest) page size
TARGET_RATIO=1.3
TARGET_STARTUP=3
TARGET_RSS_MB=12
TARGET_FLAT_RSS_MB=13

while (($#)); do
    case "$1" in
        --build-dir) BUILD_DIR=$(realpath -m "$2"); shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --runs) RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --emulator) EMU=$(realpath "$2"); shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

log() { echo "bench: $*" >&2; }
wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

# Pipelines here read their input to the end: with pipefail, a reader that stops early (head,
# awk's exit) would fail the writer with SIGPIPE and end the script.

# --- tools and build ------------------------------------------------------------------------

require_tools() {
    local missing=() pair
    for pair in cmake:cmake ninja:ninja-build g++:g++ valgrind:valgrind /usr/bin/time:time \
                callgrind_annotate:valgrind curl:curl openssl:openssl; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    ((${#missing[@]} == 0)) && return
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    if ((EUID == 0)); then
        log "installing ${missing[*]}"
        apt-get install -y "${missing[@]}" >&2
    else
        echo "bench/run.sh: missing tools; install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

build() {
    log "building (Release, no tests) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DTIDB_BACKUPS_BUILD_TESTS=OFF -DTIDB_BACKUPS_BUILD_BENCH=ON >&2
    cmake --build "$BUILD_DIR" -j2 >&2
}

# --- emulator -------------------------------------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tidb-backups-bench.XXXXXX")
EMULATOR_PIDS=()
cleanup() {
    local pid
    for pid in "${EMULATOR_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_emulator ARGS...: sets EMU_PID and EMU_PORT (the emulator prints its port first).
start_emulator() {
    local out="$WORK/emulator.${#EMULATOR_PIDS[@]}"
    "$EMU" --port 0 "$@" >"$out.out" 2>"$out.err" &
    EMU_PID=$!
    EMULATOR_PIDS+=("$EMU_PID")
    EMU_PORT=
    for _ in $(seq 200); do
        EMU_PORT=$(head -n1 "$out.out" 2>/dev/null || true)
        [[ -n $EMU_PORT ]] && return 0
        kill -0 "$EMU_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench/run.sh: the emulator did not start ($EMU $*):" >&2
    cat "$out.err" >&2
    exit 1
}

stop_emulator() {
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
}

# emulator_stat NAME [SCHEME]: a counter from the running emulator's GET /_emulator/stats.
emulator_stat() {
    curl -sk "${2:-http}://127.0.0.1:$EMU_PORT/_emulator/stats" |
        grep -o "\"$1\":[0-9]*" | sed -n '1s/.*://p'
}

# --- arithmetic and formatting (bash has no floating point; awk is mawk) ----------------------

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
f0() { printf '%.0f' "$1"; }
f2() { printf '%.2f' "$1"; }
ceil_div() { echo $((($1 + $2 - 1) / $2)); }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 <= t + 0 ? "yes" : "**no**") }'; }
# group N: 1234567 -> 1,234,567 (mawk's printf has no ' flag).
group() { sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta' <<<"$1"; }
# The same inside awk programs, as grp(n).
AWK_GROUP='function grp(n,   s, out) { s = sprintf("%.0f", n); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out }'

SUMMARY=""
SECTIONS=""
# summary_row WHAT MEASURED REFERENCE RATIO TARGET [VALUE LIMIT]: "met" is VALUE ≤ LIMIT.
summary_row() {
    local met="—"
    (($# >= 7)) && met=$(verdict "$6" "$7")
    SUMMARY+="| $1 | $2 | $3 | $4 | $5 | $met |"$'\n'
}

# time_medians RUNS WARMUP -- CMD... [-- CMD...]: sets MEDIANS to the median ms of each
# command, in order. A command that fails ends the script (bench-wall-time says which).
time_medians() {
    local runs=$1 warmup=$2 out
    shift 2
    out=$("$WALL_TIME" --runs "$runs" --warmup "$warmup" "$@")
    mapfile -t MEDIANS < <(cut -f1 <<<"$out")
}

# request_times LOG TITLE: a one-line digest of the "HTTP 200 in N ms" lines of a -v log.
request_times() {
    grep -o 'HTTP [0-9]* in [0-9]* ms' "$1" | awk '{ print $4 }' | sort -n |
        awk -v title="$2" -v latency="$LATENCY" '
            { ms[NR] = $1; if ($1 >= 1.6 * latency) slow++ }
            END {
                printf "- %s: %d requests; each took min %d ms, median %d ms, max %d ms; %d took ≥ %d ms\n",
                    title, NR, ms[1], ms[int((NR + 1) / 2)], ms[NR], slow + 0, 1.6 * latency
            }'
}

total_ir() {
    callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }'
}

inclusive_ir() {
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
        awk -v fn="$2" 'index($0, fn) && !done { gsub(",", "", $1); print $1; done = 1 }'
}

# top_functions FILE TOTAL: the 12 functions with the most instructions of their own.
top_functions() {
    echo "| Ir | share | function |"
    echo "|---:|---:|---|"
    callgrind_annotate "$1" 2>/dev/null | awk -v total="$2" "$AWK_GROUP"'
        /file:function/ { on = 1; getline; next }
        on && NF && n < 12 {
            ir = $1; gsub(",", "", ir); $1 = ""; $2 = ""; sub(/^ +/, "")
            lib = ""
            if (match($0, /\[[^]]*\]$/)) { lib = substr($0, RSTART + 1, RLENGTH - 2); sub(/.*\//, "", lib) }
            sub(/ \[[^]]*\]$/, ""); sub(/^[^:]*:/, "")
            # Template arguments and inline namespaces make every nlohmann name a screenful.
            while (gsub(/<[^<>]*>/, "")) {}
            gsub(/json_abi_v3_11_2::|__cxx11::|\[abi:cxx11\]/, "")
            if (length($0) > 100) $0 = substr($0, 1, 97) "..."
            gsub(/\|/, "\\|")
            printf "| %s | %.1f%% | `%s` (%s) |\n", grp(ir), 100 * ir / total, $0, lib; n++
        }'
}

# --- the benchmarks -------------------------------------------------------------------------

PAGES_ROWS="" PAGES_LOGS=""
# bench_pages BACKUPS: all pages of one cluster, --concurrency 1 against the default.
bench_pages() {
    local backups=$1 pages bound serial_bound c1 cd ratio requests
    pages=$(ceil_div "$backups" "$PAGE_SIZE")
    bound=$(((1 + $(ceil_div $((pages - 1)) "$CONCURRENCY")) * LATENCY))
    serial_bound=$((pages * LATENCY))
    log "pages: $backups backups of one cluster ($pages pages), $RUNS runs"
    start_emulator --latency "$LATENCY" --backups "$backups"
    export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$EMU_PORT"
    time_medians "$RUNS" 1 \
        -- "$CLI" list --id c1 -o json --concurrency 1 \
        -- "$CLI" list --id c1 -o json
    c1=${MEDIANS[0]} cd=${MEDIANS[1]}
    requests=$(f0 "$(calc "$(emulator_stat requests) / (2 * ($RUNS + 1))")")
    # One -v run of the default shows where its time goes: each request as the CLI timed it.
    "$CLI" list --id c1 -o json -v 2>"$WORK/pages-$backups.log" >/dev/null
    stop_emulator
    ratio=$(calc "$cd / $bound")
    PAGES_ROWS+="| $backups | $pages | $(f0 "$c1") | $serial_bound | $(f2 "$(calc "$c1 / $serial_bound")") | $(f0 "$cd") | $bound | **$(f2 "$ratio")** | $(f2 "$(calc "$c1 / $cd")")× | $requests |"$'\n'
    PAGES_LOGS+="$(request_times "$WORK/pages-$backups.log" "$backups backups, default concurrency")"$'\n'
    summary_row "$backups backups of one cluster ($pages pages), default C=$CONCURRENCY" \
        "$(f0 "$cd") ms" "$bound ms" "$(f2 "$ratio")" "≤ $TARGET_RATIO" "$ratio" "$TARGET_RATIO"
}

section_pages() {
    SECTIONS+="
### Pages of one cluster

Bound for C workers: (1 + ⌈(pages − 1)/C⌉) × $LATENCY ms: the first page tells TotalCount, the
others go C at a time. For C = 1 it is pages × $LATENCY ms. Emulator \`--latency $LATENCY --backups N\`;
commands \`tidb-backups list --id c1 -o json --concurrency 1 >/dev/null\` and \`tidb-backups list --id c1 -o json >/dev/null\`.

| backups | pages | C=1 ms | C=1 bound | C=1 ratio | C=$CONCURRENCY ms | C=$CONCURRENCY bound | C=$CONCURRENCY ratio | speed-up | requests per run |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
$PAGES_ROWS
Per-request times from one \`-v\` run of the default (the emulator adds $LATENCY ms to each):

$PAGES_LOGS"
}

CLUSTERS_ROWS="" CLUSTERS_LOGS=""
# bench_clusters N: one page each of N clusters, --concurrency 1 against the default.
bench_clusters() {
    local clusters=$1 ids="$WORK/ids-$1" bound c1 cd ratio requests
    seq -f 'c%g' 1 "$clusters" >"$ids"
    bound=$(($(ceil_div "$clusters" "$CONCURRENCY") * LATENCY))
    log "clusters: $clusters of one page each, $RUNS runs"
    start_emulator --latency "$LATENCY" --backups "$PAGE_SIZE"
    export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$EMU_PORT"
    time_medians "$RUNS" 1 \
        -- "$CLI" list --ids-from "$ids" -o json --concurrency 1 \
        -- "$CLI" list --ids-from "$ids" -o json
    c1=${MEDIANS[0]} cd=${MEDIANS[1]}
    requests=$(f0 "$(calc "$(emulator_stat requests) / (2 * ($RUNS + 1))")")
    "$CLI" list --ids-from "$ids" -o json -v 2>"$WORK/clusters-$clusters.log" >/dev/null
    stop_emulator
    ratio=$(calc "$cd / $bound")
    CLUSTERS_ROWS+="| $clusters | $(f0 "$c1") | $((clusters * LATENCY)) | $(f0 "$cd") | $bound | **$(f2 "$ratio")** | $(f2 "$(calc "$c1 / $cd")")× | $requests |"$'\n'
    CLUSTERS_LOGS+="$(request_times "$WORK/clusters-$clusters.log" "$clusters clusters, default concurrency")"$'\n'
    summary_row "$clusters clusters of one page each, default C=$CONCURRENCY" "$(f0 "$cd") ms" \
        "$bound ms" "$(f2 "$ratio")" "≤ $TARGET_RATIO" "$ratio" "$TARGET_RATIO"
}

section_clusters() {
    SECTIONS+="
### One page each of many clusters

Bound: ⌈N/C⌉ × $LATENCY ms. Emulator \`--latency $LATENCY --backups $PAGE_SIZE\` (one full page each);
ids \`c1\`…\`cN\` one a line in FILE; commands \`tidb-backups list --ids-from FILE -o json --concurrency 1 >/dev/null\`
and \`tidb-backups list --ids-from FILE -o json >/dev/null\`.

| clusters | C=1 ms | C=1 bound | C=$CONCURRENCY ms | C=$CONCURRENCY bound | C=$CONCURRENCY ratio | speed-up | requests per run |
|---:|---:|---:|---:|---:|---:|---:|---:|
$CLUSTERS_ROWS
$CLUSTERS_LOGS"
}

# A fleet under the API's rate limit: RATE_CLUSTERS clusters of one page each against
# --rate-limit RATE_LIMIT (a fresh emulator per run, so each run meets a full bucket), then
# FLEET_CLUSTERS clusters at --concurrency FLEET_CONCURRENCY with no limit.
RATE_CLUSTERS=300 RATE_LIMIT=50 RATE_RUNS=3 TARGET_RATE_RATIO=1.2
FLEET_CLUSTERS=1000 FLEET_CONCURRENCY=64
bench_fleet() {
    local ids="$WORK/ids-rate" ideal run start ms status limited requests rows="" times=()
    local worst_limited=0 failures=0
    seq -f 'c%g' 1 "$RATE_CLUSTERS" >"$ids"
    ideal=$((RATE_CLUSTERS * 1000 / RATE_LIMIT))
    log "fleet: $RATE_CLUSTERS clusters at --rate-limit $RATE_LIMIT, $RATE_RUNS runs"
    for run in $(seq "$RATE_RUNS"); do
        start_emulator --backups "$PAGE_SIZE" --rate-limit "$RATE_LIMIT"
        export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$EMU_PORT"
        start=$(date +%s%N)
        status=0
        "$CLI" list --ids-from "$ids" -o ndjson >/dev/null 2>"$WORK/rate-$run.err" || status=$?
        ms=$((($(date +%s%N) - start) / 1000000))
        limited=$(emulator_stat rate_limited)
        requests=$(emulator_stat requests)
        stop_emulator
        ((status == 0)) || failures=$((failures + 1))
        ((limited > worst_limited)) && worst_limited=$limited
        times+=("$ms")
        rows+="| $run | $ms | $(f2 "$(calc "$ms / $ideal")") | $status | $requests | $limited |"$'\n'
    done
    mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
    ms=${times[$((RATE_RUNS / 2))]}
    summary_row "$RATE_CLUSTERS clusters at --rate-limit $RATE_LIMIT (median of $RATE_RUNS)" \
        "$ms ms" "$ideal ms" "$(f2 "$(calc "$ms / $ideal")")" "≤ $TARGET_RATE_RATIO" \
        "$(calc "$ms / $ideal")" "$TARGET_RATE_RATIO"
    summary_row "the same: runs not exit 0 / most 153 answers in a run" \
        "$failures / $worst_limited" "$RATE_CLUSTERS requests" "—" "0 / to watch"

    local fleet="$WORK/ids-fleet" bound fleet_ms ratio
    seq -f 'c%g' 1 "$FLEET_CLUSTERS" >"$fleet"
    bound=$(($(ceil_div "$FLEET_CLUSTERS" "$FLEET_CONCURRENCY") * LATENCY))
    log "fleet: $FLEET_CLUSTERS clusters at --concurrency $FLEET_CONCURRENCY, $RUNS runs"
    start_emulator --latency "$LATENCY" --backups "$PAGE_SIZE"
    export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$EMU_PORT"
    time_medians "$RUNS" 1 -- "$CLI" list --ids-from "$fleet" -o ndjson \
        --concurrency "$FLEET_CONCURRENCY"
    stop_emulator
    fleet_ms=${MEDIANS[0]}
    ratio=$(calc "$fleet_ms / $bound")
    summary_row "$FLEET_CLUSTERS clusters, C=$FLEET_CONCURRENCY, no limit" "$(f0 "$fleet_ms") ms" \
        "$bound ms" "$(f2 "$ratio")" "≤ $TARGET_RATIO" "$ratio" "$TARGET_RATIO"

    SECTIONS+="
### A fleet under the API's rate limit

$RATE_CLUSTERS clusters of one page each (ids \`c1\`…\`c$RATE_CLUSTERS\`), emulator \`--backups $PAGE_SIZE --rate-limit $RATE_LIMIT\`
(a token bucket of $RATE_LIMIT requests refilled at $RATE_LIMIT a second; past it, RetCode 153), started afresh for each
run; command \`tidb-backups list --ids-from FILE -o ndjson >/dev/null\` at the default concurrency. Ideal: $RATE_CLUSTERS ÷ $RATE_LIMIT = $ideal ms
(a client that knew the limit and never met it; the bucket's first second makes slightly less possible).
\`rate_limited\` is the emulator's count of 153 answers.

| run | ms | ratio to ideal | exit | requests | rate_limited |
|---:|---:|---:|---:|---:|---:|
$rows
Then $FLEET_CLUSTERS clusters, emulator \`--latency $LATENCY --backups $PAGE_SIZE\` and no limit, command
\`tidb-backups list --ids-from FILE -o ndjson --concurrency $FLEET_CONCURRENCY >/dev/null\`: median $(f0 "$fleet_ms") ms
against ⌈$FLEET_CLUSTERS/$FLEET_CONCURRENCY⌉ × $LATENCY ms = $bound ms, ratio $(f2 "$ratio").
"
}

# Connections the emulator accepts over HTTPS for 100 pages, for several worker counts.
bench_https() {
    local cert="$WORK/cert.pem" key="$WORK/key.pem" backups=$((100 * PAGE_SIZE)) c ms
    local conns requests bound rows=""
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$cert" -days 1 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    for c in 1 4 "$CONCURRENCY" 16; do
        log "https: 100 pages, --concurrency $c"
        start_emulator --latency "$LATENCY" --backups "$backups" --cert "$cert" --key "$key"
        export SIGCALCLOUD_ENDPOINT="https://127.0.0.1:$EMU_PORT"
        time_medians 1 0 -- "$CLI" list --id c1 -o json --ca-bundle "$cert" --concurrency "$c"
        ms=${MEDIANS[0]}
        conns=$(emulator_stat connections https) requests=$(emulator_stat requests https)
        stop_emulator
        bound=$(((1 + $(ceil_div 99 "$c")) * LATENCY))
        rows+="| $c | $requests | **$conns** | ≤ $((c + 1)) | $(verdict "$conns" $((c + 1))) | $(f0 "$ms") | $bound | $(f2 "$(calc "$ms / $bound")") |"$'\n'
        if ((c == CONCURRENCY)); then
            summary_row "HTTPS, 100 pages, C=$c: connections accepted" "$conns" \
                "$requests requests" "—" "≤ $((c + 1))" "$conns" $((c + 1))
        fi
    done
    SECTIONS+="
### HTTPS: connections for 100 pages

A fresh emulator per row: \`--latency $LATENCY --backups $backups --cert cert.pem --key key.pem\`, with a throw-away
certificate (\`openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1\`);
command \`tidb-backups list --id c1 -o json --ca-bundle cert.pem --concurrency C >/dev/null\`, one run; then
\`curl -sk https://127.0.0.1:PORT/_emulator/stats\` for \`connections\` and \`requests\`.

| --concurrency C | requests | connections | target | met | ms | bound | ratio |
|---:|---:|---:|---:|:---:|---:|---:|---:|
$rows"
}

# --version against /bin/true and against a program that only loads the CLI's shared libraries,
# and where the start-up instructions go.
bench_startup() {
    local out_text times=() ratio out="$WORK/startup" ir_true ir_floor ir_cli parts
    local true_ms true_min floor_ms floor_min cli_ms cli_min
    log "start-up: $STARTUP_RUNS runs each"
    out_text=$("$WALL_TIME" --runs "$STARTUP_RUNS" --warmup 5 -- /bin/true -- "$FLOOR" -- "$CLI" --version)
    mapfile -t times <<<"$out_text"
    read -r true_ms true_min _ <<<"${times[0]}"
    read -r floor_ms floor_min _ <<<"${times[1]}"
    read -r cli_ms cli_min _ <<<"${times[2]}"
    ratio=$(calc "$cli_ms / $true_ms")
    summary_row "start-up: \`--version\` against \`/bin/true\`" "$(f2 "$cli_ms") ms" \
        "$(f2 "$true_ms") ms" "$(f2 "$ratio")" "≤ $TARGET_STARTUP" "$ratio" "$TARGET_STARTUP"

    # Instruction counts do not depend on the machine's load: they show where start-up goes.
    log "start-up: callgrind"
    valgrind --tool=callgrind --callgrind-out-file="$out.true" /bin/true 2>/dev/null
    valgrind --tool=callgrind --callgrind-out-file="$out.floor" "$FLOOR" >/dev/null 2>&1
    valgrind --tool=callgrind --callgrind-out-file="$out.cli" "$CLI" --version >/dev/null 2>&1
    ir_true=$(total_ir "$out.true") ir_floor=$(total_ir "$out.floor") ir_cli=$(total_ir "$out.cli")
    parts=$(callgrind_annotate --inclusive=yes "$out.cli" 2>/dev/null |
        awk -v total="$ir_cli" "$AWK_GROUP"'
            function row(what, ir) { gsub(",", "", ir); printf "| %s | %s | %.0f%% |\n", what, grp(ir), 100 * ir / total }
            /dl-reloc.c:_dl_relocate_object / && !a { row("dynamic linking: relocations and symbol look-ups", $1); a = 1 }
            /dl-init.c:_dl_init / && !b { row("constructors of the shared libraries (`_dl_init`)", $1); b = 1 }
            /OPENSSL_init_ssl / && !c { row("… of which `OPENSSL_init_ssl`, run by libcpp-httplib.so", $1); c = 1 }
            /\(below main\)/ && !d { row("the program: static objects, `main`, exit", $1); d = 1 }')
    SECTIONS+="
### Start-up

\`bench-wall-time --runs $STARTUP_RUNS --warmup 5 -- /bin/true -- bench-startup-floor -- tidb-backups --version\`
(the three take turns). \`bench-startup-floor\` only prints a line, but is linked against the same shared
libraries as \`tidb-backups\` (libstdc++, fmt, libssl, libcrypto, libcpp-httplib and what that pulls in).

| command | median ms | min ms | median / \`/bin/true\` | min / \`/bin/true\` | instructions |
|---|---:|---:|---:|---:|---:|
| \`/bin/true\` | $(f2 "$true_ms") | $(f2 "$true_min") | 1 | 1 | $(group "$ir_true") |
| \`bench-startup-floor\` | $(f2 "$floor_ms") | $(f2 "$floor_min") | $(f2 "$(calc "$floor_ms / $true_ms")") | $(f2 "$(calc "$floor_min / $true_min")") | $(group "$ir_floor") |
| \`tidb-backups --version\` | $(f2 "$cli_ms") | $(f2 "$cli_min") | **$(f2 "$ratio")** | $(f2 "$(calc "$cli_min / $true_min")") | $(group "$ir_cli") |

Where the instructions of \`tidb-backups --version\` go (\`valgrind --tool=callgrind\`, inclusive counts):

| part | Ir | share |
|---|---:|---:|
$parts
"
}

# Peak RSS of a listing of 10,000 backups, per output format.
bench_rss() {
    local shape backups clusters format kb mb base_kb per rows="" label
    base_kb=$(peak_rss_kb 3 "$CLI" --version)
    # SHAPE is backups x clusters: 1,000,000 backups as ten clusters of 100,000 (one cluster is
    # bounded at 10,000 requests), and as a fleet of 1,000 clusters of 1,000 (a real cluster
    # keeps a few thousand at most).
    for shape in 10000x1 100000x1 1000000x10 1000000x1000; do
        backups=${shape%x*} clusters=${shape#*x}
        log "peak RSS: $backups backups in $clusters clusters"
        local per_cluster=$((backups / clusters)) ids=(--id c1) runs=3
        if ((clusters > 1)); then
            printf 'c%d\n' $(seq "$clusters") >"$WORK/fleet-$clusters"
            ids=(--ids-from "$WORK/fleet-$clusters") runs=1
        fi
        # Latency only slows the big listings down; memory does not depend on it.
        start_emulator --latency 0 --backups "$per_cluster"
        export SIGCALCLOUD_ENDPOINT="http://127.0.0.1:$EMU_PORT"
        for format in json ndjson csv tsv table json-sorted; do
            local args=(-o "$format") holds=no
            [[ $format == json-sorted ]] && args=(-o json --sort-by BackupSize) holds=yes
            [[ $format == table ]] && holds=yes
            # What holds every backup is measured up to 100,000; the rest to 1,000,000.
            if [[ $holds == yes ]] && ((backups > 100000)); then
                continue
            fi
            kb=$(peak_rss_kb "$runs" "$CLI" list "${ids[@]}" "${args[@]}")
            mb=$(calc "$kb / 1024")
            per="—"
            if [[ $holds == yes ]]; then
                per=$(calc "($kb - $base_kb) * 1024 / $backups")
                per=$(printf '%.0f' "$per")
            fi
            label="$(group "$backups") backups"
            ((clusters > 1)) && label+=" in $(group "$clusters") clusters"
            rows+="| $(group "$backups") | $(group "$clusters") | \`${args[*]}\` | $(group "$kb") | $(printf '%.1f' "$mb") | $per |"$'\n'
            if ((backups == 10000)); then
                summary_row "peak RSS, 10,000 backups, \`${args[*]}\`" "$(printf '%.1f MiB' "$mb")" \
                    "—" "—" "≤ $TARGET_RSS_MB MiB" "$mb" "$TARGET_RSS_MB"
            elif [[ $holds == no ]]; then
                summary_row "peak RSS, $label, \`${args[*]}\`" \
                    "$(printf '%.1f MiB' "$mb")" "—" "—" "≤ $TARGET_FLAT_RSS_MB MiB" "$mb" \
                    "$TARGET_FLAT_RSS_MB"
            fi
        done
        stop_emulator
    done
    rows+="| — | — | \`--version\` (for scale) | $(group "$base_kb") | $(printf '%.1f' "$(calc "$base_kb / 1024")") | — |"$'\n'
    SECTIONS+="
### Peak RSS by output and size

Emulator \`--latency 0 --backups N\`, N backups in each cluster (several clusters from
\`--ids-from\`); \`/usr/bin/time -v tidb-backups list ... -o FORMAT >/dev/null\`, \"Maximum resident
set size\", the largest of 3 runs (1 run at 1,000,000). json holds the array back until the
listing is complete, in memory up to 1 MiB and past that in an unlinked file in TMPDIR; the
table and a sorted json must hold every backup (bytes per backup: above \`--version\`'s RSS).
Telling apart the backups of the cluster being listed takes about 25 bytes each (a 100,000-backup
cluster: about 2.4 MiB, given back when it is done).

| backups | clusters | output | KiB | MiB | bytes per backup held |
|---:|---:|---|---:|---:|---:|
$rows"
}

# peak_rss_kb RUNS CMD...: the largest "Maximum resident set size" of RUNS runs, in KiB.
peak_rss_kb() {
    local best=0 kb runs=$1
    shift
    for ((run = 0; run < runs; run++)); do
        # A run that fails measures nothing: say so and stop.
        if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/rss.err"; then
            log "failed: $* ($(head -c 300 "$WORK/rss.err"))"
            exit 1
        fi
        kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
        ((kb > best)) && best=$kb
    done
    echo "$best"
}

# Instructions to parse and render 10,000 backups (bench-render: no network, no threads).
bench_instructions() {
    local format out ir parse render rows="" tops=""
    for format in json table; do
        log "instructions: parse and render 10,000 backups as $format (callgrind)"
        out="$WORK/render-$format.callgrind"
        valgrind --tool=callgrind --callgrind-out-file="$out" \
            --toggle-collect='*bench_parse_pages*' --toggle-collect='*bench_render_backups*' \
            "$RENDER" --backups 10000 --format "$format" >/dev/null 2>&1
        ir=$(total_ir "$out")
        parse=$(inclusive_ir "$out" bench_parse_pages)
        render=$(inclusive_ir "$out" bench_render_backups)
        rows+="| $format | **$(group "$ir")** | $(group "$parse") | $(group "$render") | $(group "$(f0 "$(calc "$ir / 10000")")") |"$'\n'
        tops+="
\`$format\`: the functions with the most instructions of their own

$(top_functions "$out" "$ir")
"
        summary_row "instructions, parse and render 10,000 backups, \`$format\`" \
            "$(group "$ir") Ir" "—" "—" "to watch"
    done
    SECTIONS+="
### Instructions: parse and render 10,000 backups

\`valgrind --tool=callgrind --toggle-collect='*bench_parse_pages*' --toggle-collect='*bench_render_backups*' bench-render --backups 10000 --format FORMAT\`.
\`bench-render\` builds the 334 page bodies the emulator would send (its \`Catalog\`, 30 backups a page, fixed clock),
then parses them with \`parse_backup_page\` and renders them with \`make_renderer\` to /dev/null, as \`list\` does;
only those two steps are counted. Deterministic: compare it from one change to the next.

| format | Ir | parse | render | Ir per backup |
|---|---:|---:|---:|---:|
$rows$tops"
}

# --- main -----------------------------------------------------------------------------------

require_tools
((BUILD)) && build
CLI="$BUILD_DIR/src/tidb-backups"
EMU=${EMU:-$BUILD_DIR/src/tidb-backups-emulator}
WALL_TIME="$BUILD_DIR/bench/bench-wall-time"
RENDER="$BUILD_DIR/bench/bench-render"
FLOOR="$BUILD_DIR/bench/bench-startup-floor"
for program in "$CLI" "$EMU" "$WALL_TIME" "$RENDER" "$FLOOR"; do
    [[ -x $program ]] || { echo "bench/run.sh: $program is not built" >&2; exit 1; }
done

export SIGCALCLOUD_PUBLIC_KEY=demo-public-key SIGCALCLOUD_PRIVATE_KEY=demo-private-key
export SIGCALCLOUD_REGION=cn-zj TZ=UTC
unset SIGCALCLOUD_PROFILE SIGCALCLOUD_PROJECT_ID TIDB_BACKUPS_CONFIG
export XDG_CONFIG_HOME="$WORK/config"  # no config file of the user's changes what is measured

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)
if wanted pages; then bench_pages 300; bench_pages 3000; section_pages; fi
if wanted clusters; then bench_clusters 16; bench_clusters 100; section_clusters; fi
if wanted https; then bench_https; fi
if wanted startup; then bench_startup; fi
if wanted rss; then bench_rss; fi
if wanted instructions; then bench_instructions; fi
if wanted fleet; then bench_fleet; fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<EOF
## Results

- $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)\`, \`$("$CLI" --version)\`, $(($(date +%s) - STARTED)) s in all
- $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -sr); load average $LOAD_BEFORE before, $LOAD_AFTER after
- Emulator \`${EMU#"$ROOT"/}\`, latency $LATENCY ms on every API answer. CLI defaults: \`--concurrency $CONCURRENCY\`, \`--page-size $PAGE_SIZE\`.
  Times are medians of $RUNS runs after one warm-up, the commands of a row taking turns.

| benchmark | measured | bound or reference | ratio | target | met |
|---|---:|---:|---:|---:|:---:|
$SUMMARY$SECTIONS
EOF
