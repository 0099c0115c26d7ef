#!/usr/bin/env bash
# The Python and Node client libraries (clients/) against the built agentwire binary: their generated
# types must match schemas/openrpc.json, then pytest and `node --test`. The Python client runs in the
# protocol-clients venv (scripts/setup-protocol-clients.sh installs pytest there); node comes from
# scripts/test-editors.sh's setup (Debian's nodejs) or PATH. The TypeScript check of the Node client's
# declarations needs `tsc` (Debian's node-typescript), installed here when missing.
# Expects .build/debug/agentwire (scripts/test.sh builds it); AGENTWIRE_BINARY overrides the path.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="$(realpath "${AGENTWIRE_BINARY:-.build/debug/agentwire}")"
[ -x "$binary" ] || { echo "test-clients: $binary is missing; run swift build first" >&2; exit 1; }
python="$(bash scripts/setup-protocol-clients.sh)"

need=()
command -v node >/dev/null || need+=(nodejs)
command -v tsc >/dev/null || need+=(node-typescript)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "test-clients: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Keep the spawned servers out of the user's config and state.
export XDG_STATE_HOME="$scratch/state" XDG_CONFIG_HOME="$scratch/config"
export AGENTWIRE_BIN="$binary"

echo "test-clients: generated types"
"$python" clients/python/generate.py --check
node clients/node/scripts/generate-types.mjs --check
node editors/vscode/scripts/vendor-client.js --check
echo "test-clients: python $("$python" --version 2>&1 | cut -d' ' -f2)"
"$python" -m pytest clients/python/tests -q -p no:cacheprovider
echo "test-clients: node $(node --version)"
node --test clients/node/test/
