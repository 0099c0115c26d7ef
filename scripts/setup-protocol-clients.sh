#!/usr/bin/env bash
# Installs the official Python SDKs of ACP and MCP into a venv under the user's cache directory, for the
# protocol client tests, with jsonschema for the OpenRPC conformance test and pytest for the Python client's
# tests. Idempotent and quiet when already installed. Prints the venv's python path.
set -euo pipefail

venv="${AGENTWIRE_PY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/agentwire/protocol-clients-venv}"
acp_version="0.12.1"
mcp_version="2.3.0"
jsonschema_version="4.26.0"
pytest_version="9.2.0"

py="$venv/bin/python"
if [ -x "$py" ] && "$py" - "$acp_version" "$mcp_version" "$jsonschema_version" "$pytest_version" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
installed = (version("agent-client-protocol"), version("mcp"), version("jsonschema"), version("pytest"))
sys.exit(0 if installed == tuple(sys.argv[1:5]) else 1)
PY
then
    echo "$py"
    exit 0
fi

command -v python3 >/dev/null || { echo "setup-protocol-clients: python3 is not on PATH" >&2; exit 1; }
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup-protocol-clients: installing python3-venv" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi
echo "setup-protocol-clients: installing agent-client-protocol $acp_version, mcp $mcp_version, jsonschema $jsonschema_version and pytest $pytest_version into $venv" >&2
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check \
    "agent-client-protocol==$acp_version" "mcp==$mcp_version" "jsonschema==$jsonschema_version" \
    "pytest==$pytest_version" >&2
echo "$py"
