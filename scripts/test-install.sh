#!/usr/bin/env bash
# Installs agentwire into a temporary prefix with scripts/install.sh, then runs the installed binary with a
# PATH and LD_LIBRARY_PATH that leave the Swift toolchain out: it must need nothing of it.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
bash scripts/install.sh "$prefix"
binary="$prefix/bin/agentwire"

fail() { echo "test-install: $*" >&2; exit 1; }
[ -f "$prefix/share/agentwire/schemas/openrpc.json" ] || fail "the OpenRPC document is not installed"
[ -f "$prefix/share/agentwire/editors/neovim/plugin/agentwire.lua" ] || fail "the Neovim plug-in is not installed"

# No library of the toolchain: only the system's.
libraries="$(ldd "$binary")"
echo "$libraries" | sed 's/^/test-install: ldd: /' >&2
if echo "$libraries" | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|not found'; then
    fail "the installed binary needs a library the system does not provide (above)"
fi

# A clean environment: no toolchain directory on PATH, no LD_LIBRARY_PATH.
clean=(env -i HOME="$prefix" PATH="$prefix/bin:/usr/bin:/bin" LD_LIBRARY_PATH="")
version="$("${clean[@]}" agentwire --version)"
[ "$version" = "$(.build/debug/agentwire --version 2>/dev/null || echo "$version")" ] \
    || fail "the installed binary reports version $version"
echo "test-install: a streamed run of the installed agentwire $version:" >&2
output="$("${clean[@]}" agentwire run --json echo hello from the installed binary)"
echo "$output"
tokens="$(echo "$output" | grep -c '"method":"run/token"' || true)"
[ "$tokens" -eq 5 ] || fail "expected 5 run/token notifications, got $tokens"
echo "$output" | tail -n 1 | grep -q '"output":"hello from the installed binary"' || fail "the result is wrong"
echo "test-install: ok ($tokens tokens streamed; toolchain-free: $(echo "$libraries" | wc -l) system libraries)"
