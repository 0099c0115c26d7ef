#!/usr/bin/env bash
# Tests the editor integrations in editors/ inside the real editors, against the agentwire binary
# scripts/test.sh built (.build/debug/agentwire, or $AGENTWIRE_BIN): the Neovim plug-in in headless
# Neovim, agentwire.el with ERT in batch Emacs (after byte-compiling it with warnings as errors), the
# VS Code extension's modules with `node --test`. First it checks that every plug-in carries the
# binary's version (`agentwire --version`).
# Installs neovim and emacs-nox from Debian, and nodejs when no `node` is on PATH (apt via sudo
# only if not root; quiet when everything is there). Prints a summary; exits non-zero if any suite fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

binary="${AGENTWIRE_BIN:-.build/debug/agentwire}"
if [ ! -x "$binary" ]; then
    echo "test-editors: no agentwire binary at $binary (run swift build first)" >&2
    exit 1
fi
AGENTWIRE_BIN="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
export AGENTWIRE_BIN

need=()
command -v nvim >/dev/null || need+=(neovim)
command -v emacs >/dev/null || need+=(emacs-nox)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "test-editors: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    # A first install occasionally fails on a transient archive error; one retry settles it.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || { echo "test-editors: could not install ${need[*]}" >&2; exit 1; }
fi

# The suites run in a scratch directory with their own XDG directories, so neither an
# ./agentwire.json nor the user's ~/.config/agentwire or editor state changes what they see.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_STATE_HOME="$scratch/state" \
    XDG_CACHE_HOME="$scratch/cache" XDG_DATA_HOME="$scratch/data"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"

summary=()
failed=0

# One version: every plug-in and package carries the binary's (`agentwire --version`, which is
# NativeProtocol.release in Sources/AgentProtocol/Native/NativeProtocol.swift).
echo "== versions"
release=""
for attempt in 1 2 3; do
    release="$("$AGENTWIRE_BIN" --version 2>/dev/null)"
    [ -n "$release" ] && break
    [ "$attempt" -lt 3 ] && sleep 2 # the binary may be being rebuilt
done
version_problems=0
# check_version WHAT VALUE: VALUE must be the binary's version.
check_version() {
    if [ -n "$release" ] && [ "$2" = "$release" ]; then
        echo "ok        $1: $2"
    else
        echo "MISMATCH  $1: '$2' (agentwire --version: '$release')"
        version_problems=$((version_problems + 1))
    fi
}
check_version "Neovim plug-in (version in lua/agentwire/init.lua)" \
    "$(grep -m 1 -oE "version = '[^']*'" editors/neovim/lua/agentwire/init.lua | sed -E "s/version = '(.*)'/\1/")"
check_version "agentwire.el (Version header)" "$(sed -n 's/^;; Version: *//p' editors/emacs/agentwire.el)"
check_version "agentwire.el (agentwire-version)" \
    "$(sed -n 's/^(defconst agentwire-version "\(.*\)"$/\1/p' editors/emacs/agentwire.el)"
check_version "VS Code extension (package.json version)" \
    "$(node -p "require('$root/editors/vscode/package.json').version" 2>/dev/null)"
for name in $(grep -oE 'agentwire[-.][a-z-]*[0-9][0-9A-Za-z.-]*[0-9]' editors/vscode/README.md | sort -u); do
    check_version "editors/vscode/README.md ($name)" "$(echo "$name" | sed -E 's/^agentwire[-.](agentwire-)?//')"
done
if [ "$version_problems" -eq 0 ]; then
    summary+=("passed  versions: every plug-in is $release, as agentwire --version")
else
    summary+=("FAILED  versions: $version_problems differ from agentwire --version ('$release')")
    failed=1
fi

# run_suite NAME VERSION COUNT_PATTERN COMMAND...: runs COMMAND in the scratch directory, shows its
# output, and records a summary line with the lines of output that match COUNT_PATTERN.
run_suite() {
    local name="$1" version="$2" pattern="$3"
    shift 3
    local log="$scratch/$name.log"
    echo "== $name ($version)"
    (cd "$scratch" && timeout 600 "$@") >"$log" 2>&1
    local status=$?
    cat "$log"
    local counts
    counts="$(grep -E "$pattern" "$log" | sed -E 's/ \(20[0-9]{2}-.*//' | paste -sd ';' - | sed 's/;/; /g')"
    if [ $status -eq 0 ]; then
        summary+=("passed  $name ($version)${counts:+: $counts}")
    else
        summary+=("FAILED  $name ($version)${counts:+: $counts} (exit status $status)")
        failed=1
    fi
}

run_suite neovim "$(nvim --version | head -n 1)" '^neovim: ' \
    nvim --headless -u NONE -i NONE --noplugin \
    --cmd "set rtp^=$root/editors/neovim" --cmd 'runtime! plugin/agentwire.lua' \
    -c "luafile $root/editors/neovim/tests/agentwire_spec.lua"

# agentwire.el must byte-compile without a warning, then the ERT suite runs on the source.
cp "$root/editors/emacs/agentwire.el" "$scratch/agentwire.el"
run_suite emacs-compile "$(emacs --version | head -n 1)" '^(Warning|Error|In )' \
    emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' -f batch-byte-compile agentwire.el
run_suite emacs "$(emacs --version | head -n 1)" '^Ran [0-9]+ tests' \
    emacs --batch -Q -L "$root/editors/emacs" -l "$root/editors/emacs/test/agentwire-test.el" \
    -f ert-run-tests-batch-and-exit

run_suite vscode "node $(node --version)" '^# (pass|fail) ' \
    node --test "$root"/editors/vscode/test/*.test.js

echo
echo "Editor integration tests against $AGENTWIRE_BIN:"
printf '  %s\n' "${summary[@]}"
exit $failed
