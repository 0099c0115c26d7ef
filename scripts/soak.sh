#!/usr/bin/env bash
# The soak: 1,000 concurrent echo streams at 100 tokens/s each through one connection for SECONDS
# (default 60) after WARMUP seconds (default 10), on the release build. Fails if the phase fails (a run
# error, a lost token, a crash) or if the server's resident memory grows by more than a quarter after
# warm-up (a leak); says whether it stayed within the 10% target. Prints CPU share, added latency per
# token and memory either way.
#   bash scripts/soak.sh            # the CI-sized run
#   bash scripts/soak.sh 600 180    # ten minutes, after the three in which memory settles
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
warmup="${2:-10}"
swift build -c release --product agentwire >/dev/null
swift build -c release --product agentwire-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
"$bin/agentwire-bench" --phases streams --duration "$seconds" --warmup "$warmup" --json >"$out" || status=$?

python3 - "$out" "$status" "$seconds" <<'PY'
import json, sys
path, status, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    report = json.load(open(path))
except ValueError:
    print(f"soak: the bench printed no report (exit {status})")
    sys.exit(1)
s = report.get("streams", {})
if "error" in s or not s:
    print(f"soak: FAILED: {s.get('error', 'no streams figures')}")
    sys.exit(1)
mb = lambda b: f"{b / 1e6:.1f} MB"
print(f"soak: {s['streams']} streams for {s['windowSeconds']:.0f} s after {s['warmupSeconds']:.0f} s warm-up, "
      f"{s['runsInWindow']} runs answered, {s['tokensPerSecond']:.0f} tokens/s read")
print(f"soak: server CPU {s['cpuPercent']:.1f} % of a core (target < {s['targetCPUPercent']:.0f} %)")
print(f"soak: added latency per token p50 {s['addedLatencyP50Ms']:.2f} ms, p99 {s['addedLatencyP99Ms']:.2f} ms "
      f"(Task.sleep lateness alone: p50 {s['sleepLatenessP50Ms']:.2f} ms, p99 {s['sleepLatenessP99Ms']:.2f} ms)")
print(f"soak: RSS after warm-up {mb(s['rssAfterWarmupBytes'])}, at the end {mb(s['rssEndBytes'])} "
      f"({s['rssChangePercent']:+.1f} %), max {mb(s['rssMaxBytes'])}; heap and stacks (RssAnon) "
      f"{mb(s['anonymousRSSAfterWarmupBytes'])} -> {mb(s['anonymousRSSEndBytes'])}")
if status != 0:
    print(f"soak: FAILED: the bench exited with {status}")
    sys.exit(1)
if s["rssChangePercent"] > 25:
    print("soak: FAILED: resident memory grew by more than a quarter after warm-up")
    sys.exit(1)
if not s["rssFlat"]:
    print("soak: ok, but resident memory is not flat within the 10% target (see docs/BENCHMARKS.md)")
else:
    print("soak: ok")
PY
