#!/usr/bin/env bash
# Installs what building AgentWire needs on Debian 12 (the Swift toolchain is expected on PATH):
# libjansson-dev, the JSON library the wire is built on, and libsqlite3-dev for the run store. Idempotent; safe to run again.
set -euo pipefail

need=()
pkg-config --exists jansson 2>/dev/null || need+=(libjansson-dev pkg-config)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev pkg-config)

if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    # A first install occasionally fails on a transient archive error; one retry settles it.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" \
        || $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

command -v swift >/dev/null || { echo "setup: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
