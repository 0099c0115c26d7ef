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

mkdir -p .build-fuzz/corpus .build-fuzz/jobs fuzz-crashes
crashes_before="$(ls fuzz-crashes | wc -l)"
options=(-timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 -artifact_prefix="$PWD/fuzz-crashes/")
if [ "$seconds" != 0 ]; then options+=(-max_total_time="$seconds"); fi
echo "fuzz: ${seconds}s (0 = until stopped), $workers worker(s), from $(ls Tests/FuzzCorpus/seeds | wc -l) seeds"
corpora=("$PWD/.build-fuzz/corpus" "$PWD/Tests/FuzzCorpus/seeds" "$PWD/Tests/FuzzCorpus/regressions")
status=0
if [ "$workers" -gt 1 ]; then
    # Independent fuzzing processes sharing the corpus directory (libFuzzer's -jobs/-workers); each writes
    # its log to .build-fuzz/jobs/fuzz-N.log. Unlike -fork, no process restarts and re-reads the corpus
    # every few seconds, so the workers spend their time on new inputs.
    # The parent copies each job's log into its own output when the job ends.
    rm -f .build-fuzz/jobs/fuzz-*.log
    (cd .build-fuzz/jobs && "$binary" "${options[@]}" -jobs="$workers" -workers="$workers" "${corpora[@]}") \
        > .build-fuzz/fuzz.log 2>&1 || status=$?
else
    "$binary" "${options[@]}" "${corpora[@]}" > .build-fuzz/fuzz.log 2>&1 || status=$?
fi
log=.build-fuzz/fuzz.log
grep -E '^#[0-9]+: (DONE|INITED)|^INFO: (-jobs|fuzzed for)|^stat::' "$log" || true

# A crash, leak or timeout in any worker fails the run and names its input.
if grep -qE '^==[0-9]+==ERROR|deadly signal|SUMMARY: libFuzzer' "$log" \
    || [ "$(ls fuzz-crashes | wc -l)" -gt "$crashes_before" ]; then
    grep -E '^==[0-9]+==ERROR|deadly signal|SUMMARY|Test unit written' "$log" >&2 || true
    echo "fuzz: a worker found a failing input (see fuzz-crashes/ and $log)" >&2
    status=1
fi
awk -v workers="$workers" '
    /^stat::number_of_executed_units:/ { runs += $2 }
    /^stat::average_exec_per_sec:/ { rate += $2 }
    END { if (rate > 0) printf "fuzz: %d inputs, %d exec/s (%d worker(s))\n", runs, rate, workers }' "$log"
exit "$status"
