#!/usr/bin/env bash
# Runs the official ACP and MCP Python SDKs as clients against the built agentwire binary (the ACP
# agent face and the MCP server face), and the conformance tests: every frame of a broad native session
# validated against schemas/openrpc.json, every ACP frame against the `agent-client-protocol` models and
# every MCP frame against the `mcp` types, for each MCP version served. Installs the SDKs and jsonschema
# into a venv first (scripts/setup-protocol-clients.sh).
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
failed=()
run() {
    local name="$1"
    shift
    "$python" "$@" 2>"$scratch/$name.log" || { status=1; failed+=("$name"); }
}
run acp Tests/protocol-clients/acp_client_test.py "$binary" "$scratch/acp.sqlite"
run mcp Tests/protocol-clients/mcp_client_test.py "$binary" Tests/protocol-clients/agentwire.json
run native-conformance Tests/protocol-clients/native_conformance_test.py "$binary" schemas/openrpc.json
run acp-conformance Tests/protocol-clients/acp_conformance_test.py "$binary"
run mcp-conformance Tests/protocol-clients/mcp_conformance_test.py "$binary" Tests/protocol-clients/agentwire.json
# The MCP server the Swift MCP client tests call, checked against the SDK's own client.
run mcp-tool-fixture Tests/protocol-clients/mcp_tool_server_selftest.py
if [ "$status" -ne 0 ]; then
    echo "test-protocols: a check failed in: ${failed[*]}; their stderr follows" >&2
    for name in "${failed[@]}"; do
        echo "--- $name" >&2
        tail -n 50 "$scratch/$name.log" >&2
    done
fi
exit "$status"
