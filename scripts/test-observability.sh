#!/usr/bin/env bash
# Scrapes a running agentwire over HTTP (--metrics-listen) after a few runs and checks the text with
# promtool (Debian's prometheus package, installed here when missing) and for the metric names
# dashboards rely on. Expects the debug build (scripts/test.sh builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "test-observability: installing prometheus (for promtool)" >&2
    $sudo apt-get update -qq
    # policy-rc.d keeps the package from starting a Prometheus server of its own.
    policy=/usr/sbin/policy-rc.d
    created=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    [ -z "$created" ] || $sudo rm -f "$policy"
fi

binary=.build/debug/agentwire
[ -x "$binary" ] || { echo "test-observability: $binary is missing; run swift build first" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
    exec 3>&- 2>/dev/null || true
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkfifo "$work/in"
# With the local model server (scripts/test.sh starts it), a priced agent on it: its calls cost money, and
# llm_cost_dollars_total must come out a valid counter.
llm_url="${AGENTWIRE_TEST_LLM_URL:-}"
cat >"$work/config.json" <<CONFIG
{"pricing": {"smollm2": {"inputPerMillion": 0.1, "outputPerMillion": 0.4}},
 "agents": {"smol": {"provider": {"type": "openai", "baseURL": "${llm_url:-http://127.0.0.1:9/v1}", "model": "smollm2",
                                  "temperature": 0, "maxTokens": 8, "timeoutSeconds": 300}}}}
CONFIG
"$binary" serve --store memory --config "$work/config.json" --metrics-listen "$port" <"$work/in" >"$work/out" \
    2>"$work/err" &
server_pid=$!
exec 3>"$work/in"

cat >&3 <<'REQUESTS'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"stream":{"traces":true}}}
{"jsonrpc":"2.0","id":2,"method":"agent/run","params":{"agent":"echo","input":"one two three"}}
{"jsonrpc":"2.0","id":3,"method":"coordinator/sequential","params":{"input":"a b","steps":[{"agent":"echo"},{"agent":"echo"}]}}
{"jsonrpc":"2.0","id":4,"method":"coordinator/parallel","params":{"input":"c d","tasks":[{"agent":"echo"},{"agent":"echo"}]}}
{"jsonrpc":"2.0","id":5,"method":"nope/unknown"}
REQUESTS
if [ -n "$llm_url" ]; then
    echo '{"jsonrpc":"2.0","id":6,"method":"agent/run","params":{"agent":"smol","input":"Say hi."}}' >&3
    last=6
else
    echo "test-observability: AGENTWIRE_TEST_LLM_URL is unset: llm_cost_dollars_total is not checked" >&2
    last=5
fi

for _ in $(seq 1 3000); do
    grep -q "\"id\":$last" "$work/out" 2>/dev/null && break
    sleep 0.1
done
grep -q "\"id\":$last" "$work/out" || { echo "test-observability: no replies; stderr:" >&2; cat "$work/err" >&2; exit 1; }

curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics"
# The listener binds loopback when given only a port.
if ip -4 addr show 2>/dev/null | grep -q 'inet ' && [ -n "$(hostname -I 2>/dev/null | awk '{print $1}')" ]; then
    other=$(hostname -I | awk '{print $1}')
    if [ "$other" != "127.0.0.1" ] && curl -fsS --max-time 2 "http://$other:$port/metrics" >/dev/null 2>&1; then
        echo "test-observability: /metrics answered on $other, expected loopback only" >&2
        exit 1
    fi
fi

promtool check metrics <"$work/metrics"

for expected in \
    'stream_sessions_total{agent="echo",status="completed"} 1' \
    'stream_chunks_sent_total{agent="echo"} 11' \
    'stream_session_duration_seconds_count{agent="echo",status="completed"} 1' \
    'stream_sessions_active{agent="echo"} 0' \
    'coordinator_workflows_total{strategy="sequential",status="completed"} 1' \
    'coordinator_workflows_total{strategy="parallel",status="completed"} 1' \
    'coordinator_workflow_duration_seconds_count{strategy="parallel",status="completed"} 1' \
    'llm_calls_total{model="echo",agent="echo",status="completed"} 5' \
    'llm_tokens_used_total{model="echo",agent="echo",type="output"} 11' \
    'llm_call_duration_seconds_count{model="echo",agent="echo",status="completed"} 5' \
    "agentwire_requests_total{method=\"agent/run\",status=\"ok\"} $((last - 4))" \
    'agentwire_requests_total{method="unknown",status="error"} 1' \
    'agentwire_request_duration_seconds_count{method="initialize"} 1' \
    'agentwire_outbound_queue_bytes '; do
    grep -qF "$expected" "$work/metrics" || {
        echo "test-observability: missing '$expected' in:" >&2
        cat "$work/metrics" >&2
        exit 1
    }
done
if [ -n "$llm_url" ]; then
    grep -qF '# TYPE llm_cost_dollars_total counter' "$work/metrics" \
        && grep -qE '^llm_cost_dollars_total\{model="smollm2",agent="smol"\} [0-9.e-]+$' "$work/metrics" \
        && ! grep -qE '^llm_cost_dollars_total\{model="smollm2",agent="smol"\} 0(\.0)?$' "$work/metrics" || {
        echo "test-observability: no positive llm_cost_dollars_total for the priced agent in:" >&2
        grep -E 'llm_|"id":6' "$work/metrics" "$work/out" >&2 || true
        exit 1
    }
fi
# Traces went to the client that asked for them, before each response.
grep -q '"method":"run/trace"' "$work/out" || { echo "test-observability: no run/trace" >&2; exit 1; }

exec 3>&-
wait "$server_pid" || true
server_pid=""
echo "test-observability: /metrics scraped over HTTP and passed promtool check metrics"
