#!/usr/bin/env bash
# Runs the official ACP and MCP Python SDKs as clients against the built agentwire binary (the ACP
# agent face and the MCP server face). Installs the SDKs into a venv first (scripts/setup-protocol-clients.sh).
# Expects .build/debug/agentwire (scripts/test.sh builds it); AGENTWIRE_BINARY overrides the path.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${AGENTWIRE_BINARY:-.build/debug/agentwire}"
[ -x "$binary" ] || { echo "test-protocols: $binary is missing; run swift build first" >&2; exit 1; }
python="$(bash scripts/setup-protocol-clients.sh)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Keep the spawned servers out of the user's config and state.
export XDG_STATE_HOME="$scratch/state" XDG_CONFIG_HOME="$scratch/config"

status=0
"$python" Tests/protocol-clients/acp_client_test.py "$binary" "$scratch/acp.sqlite" 2>"$scratch/acp.log" || status=1
"$python" Tests/protocol-clients/mcp_client_test.py "$binary" Tests/protocol-clients/agentwire.json 2>"$scratch/mcp.log" || status=1
if [ "$status" -ne 0 ]; then
    echo "test-protocols: a check failed; the servers' stderr follows" >&2
    tail -n 50 "$scratch/acp.log" "$scratch/mcp.log" >&2
fi
exit "$status"
