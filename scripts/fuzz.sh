#!/usr/bin/env bash
# Fuzzes the service end to end (framing detection, both framings, jansson parsing, dispatch with the
# echo agents) with libFuzzer. Usage: scripts/fuzz.sh [SECONDS] (default 30; 0 runs until stopped).
# The corpus starts from Tests/FuzzCorpus/seeds and grows in .build-fuzz/corpus; a crash leaves its input
# in fuzz-crashes/, which then belongs in Tests/FuzzCorpus/regressions/ (the test suite replays it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
bash scripts/setup.sh
swift build --product agentwire-fuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz
binary="$(swift build --product agentwire-fuzz --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz --show-bin-path)/agentwire-fuzz"

mkdir -p .build-fuzz/corpus fuzz-crashes
limit=()
if [ "$seconds" != 0 ]; then limit=(-max_total_time="$seconds"); fi
echo "fuzz: ${seconds}s (0 = until stopped) from $(ls Tests/FuzzCorpus/seeds | wc -l) seeds"
"$binary" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix=fuzz-crashes/ .build-fuzz/corpus Tests/FuzzCorpus/seeds Tests/FuzzCorpus/regressions
