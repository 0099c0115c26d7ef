#!/usr/bin/env bash
# Fuzzes the service end to end, in memory (framing detection, both framings, jansson parsing, the choice
# of face and dispatch on all three, with the echo agents) with libFuzzer.
# Usage: scripts/fuzz.sh [SECONDS] (default 30; 0 runs until stopped).
# FUZZ_WORKERS sets how many fuzzing processes run side by side (default: one per core; 1 is libFuzzer's
# plain single-process mode). The build is optimized, with assertions and the standard library's debug
# checks kept. The corpus starts from Tests/FuzzCorpus/seeds and grows in .build-fuzz/corpus; a crash
# leaves its input in fuzz-crashes/, which then belongs in Tests/FuzzCorpus/regressions/ (the test suite
# replays it; `agentwire-fuzz --output FILE` from a normal build shows what the service wrote for it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
workers="${FUZZ_WORKERS:-$(nproc)}"
build=(swift build -c release --product agentwire-fuzz --sanitize=fuzzer -Xswiftc -DFUZZING
    -Xswiftc -assert-config -Xswiftc Debug --scratch-path .build-fuzz)
bash scripts/setup.sh
"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/agentwire-fuzz"

mkdir -p .build-fuzz/corpus fuzz-crashes
options=(-timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 -artifact_prefix=fuzz-crashes/)
if [ "$seconds" != 0 ]; then options+=(-max_total_time="$seconds"); fi
# One process per core, each fuzzing in memory: libFuzzer's fork mode runs them and merges what they find.
if [ "$workers" -gt 1 ]; then options+=(-fork="$workers"); fi
echo "fuzz: ${seconds}s (0 = until stopped), $workers worker(s), from $(ls Tests/FuzzCorpus/seeds | wc -l) seeds"
log=.build-fuzz/fuzz.log
status=0
"$binary" "${options[@]}" .build-fuzz/corpus Tests/FuzzCorpus/seeds Tests/FuzzCorpus/regressions 2>&1 \
    | tee "$log" || status=$?

# Inputs executed per second of fuzzing, over all workers. Fork mode's status lines read
# "#RUNS: cov: ... time: SECONDSs job: N"; a single process reports its own average.
awk -v workers="$workers" '
    /^#[0-9]+: cov:/ { forked = substr($1, 2) + 0; for (i = 1; i < NF; i++) if ($i == "time:") time = $(i + 1) + 0 }
    /^stat::number_of_executed_units:/ { runs = $2 }
    /^stat::average_exec_per_sec:/ { rate = $2 }
    END {
        if (time > 0) { runs = forked; rate = int(forked / time) }
        if (rate > 0) printf "fuzz: %d inputs, %d exec/s (%d worker(s))\n", runs, rate, workers
    }' "$log"
exit "$status"
