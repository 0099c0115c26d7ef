#!/usr/bin/env bash
# Sets up, builds a release agentwire, and shows it working on the built-in echo agent:
# a streaming run in the terminal, then a JSON-RPC conversation over a pipe.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product agentwire
bin=.build/release/agentwire

echo "== agentwire run echo (tokens on stdout, steps on stderr)"
"$bin" run echo-slow "AgentWire streams every token of every run as it happens."
echo
echo "== JSON-RPC on stdin/stdout (one message per line)"
printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"demo"}}}' \
    '{"jsonrpc":"2.0","id":2,"method":"agents/list"}' \
    '{"jsonrpc":"2.0","id":3,"method":"agent/run","params":{"agent":"echo","input":"hello brave new world"}}' \
    | "$bin" --log-level warning
