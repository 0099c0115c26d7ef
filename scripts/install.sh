#!/usr/bin/env bash
# Builds a release agentwire with the Swift runtime linked in and installs it, so it runs without the
# toolchain: it then needs only system libraries (libc, libstdc++, zlib, libjansson, libsqlite3).
#
#   bash scripts/install.sh [PREFIX]     (default: ~/.local)
#
# Installs PREFIX/bin/agentwire, and under PREFIX/share/agentwire the schemas (OpenRPC document, config
# schema) and the editor plug-ins. Safe to run again: it replaces what an earlier run installed.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-$HOME/.local}"
case "$prefix" in
    -h | --help)
        sed -n '2,8s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
esac
mkdir -p "$prefix" || { echo "install: cannot create $prefix" >&2; exit 1; }
prefix="$(cd "$prefix" && pwd)"

bash scripts/setup.sh
# Its own scratch directory: a static build shares no products with the development build in .build.
build=(swift build -c release --product agentwire --static-swift-stdlib --scratch-path .build-static)
echo "install: building a release agentwire with the Swift runtime linked in (first build: several minutes)" >&2
"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/agentwire"

share="$prefix/share/agentwire"
install -d "$prefix/bin" "$share/schemas"
install -m 0755 "$binary" "$prefix/bin/agentwire"
install -m 0644 schemas/openrpc.json schemas/config.schema.json "$share/schemas/"
rm -rf "$share/editors"
mkdir -p "$share/editors"
# The plug-ins as their users need them: sources and docs, not their test suites or packaging output.
tar -C editors --exclude='./*/test' --exclude='./*/tests' --exclude='./vscode/node_modules' \
    --exclude='./vscode/*.vsix' -cf - . | tar -C "$share/editors" -xf -

version="$("$prefix/bin/agentwire" --version)"
echo "install: agentwire $version in $prefix/bin; schemas and editor plug-ins in $share" >&2
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "install: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" >&2 ;;
esac
