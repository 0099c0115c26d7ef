#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the shared run store's tests and benchmarks: Debian's server binaries,
# a cluster in a temporary directory under /tmp, listening on a free loopback port, password-protected,
# offering TLS with a self-signed certificate (the URL it prints connects without).
#
#   scripts/postgres.sh start    install the server if needed, start a cluster (or reuse the running one),
#                                print its URL
#   scripts/postgres.sh url      print the URL of the running cluster (fails when none runs):
#                                postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable
#   scripts/postgres.sh psql     run psql against it (further arguments go to psql)
#   scripts/postgres.sh stop     stop the cluster and remove its directory (nothing to do when none runs)
#   scripts/postgres.sh ci-env   start, then print shell lines that export AGENTWIRE_TEST_POSTGRES_URL and
#                                AGENTWIRE_REQUIRE_POSTGRES=1 and stop the cluster when the calling script
#                                exits; the EXIT trap it had still runs, after the stop (for `eval`);
#                                outside CI, AGENTWIRE_SKIP_POSTGRES=1 skips it
#
# As root the cluster runs as the `postgres` user (initdb refuses root); otherwise as the caller. Its state
# (directory, port, postmaster PID, URL) is kept in ~/.cache/agentwire/postgres/<checkout>/state.
set -euo pipefail
shopt -s inherit_errexit  # `url="$(start)"` stops at a failure too

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# One cluster per checkout: two clones (a CI run beside a developer's tree) never share or stop each other's.
checkout_key="$(cd "$ROOT" && pwd -P | cksum | cut -d' ' -f1)"
CACHE="${AGENTWIRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/agentwire}/postgres/$checkout_key"
STATE_FILE="$CACHE/state"
# Each cluster's directory: /tmp/agentwire-postgres.XXXXXX (data/, server.log, the Unix socket).
DIR_PREFIX="/tmp/agentwire-postgres."

log() { echo "postgres: $*" >&2; }

# The newest server binaries Debian installed, e.g. /usr/lib/postgresql/15/bin.
server_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || return 1
    echo "$dir"
}

install() {
    server_bin >/dev/null && command -v openssl >/dev/null && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "installing postgresql and openssl"
    $sudo apt-get update -qq
    # A first install occasionally fails on a transient archive error; one retry settles it.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql openssl \
        || $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql openssl
    server_bin >/dev/null || { log "no server binaries under /usr/lib/postgresql/*/bin after installing"; exit 1; }
}

# Runs a server command as the cluster's user, from / (the caller's directory may be closed to it).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

state() { [ -f "$STATE_FILE" ] && sed -n "s/^$1=//p" "$STATE_FILE"; }

# Succeeds when the server the state file names runs (it accepted connections when it started; a busy
# server that is slow to answer is still running, and is not replaced).
running() {
    local pid dir
    pid="$(state pid)" && dir="$(state dir)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    grep -qs -- "$dir/data" "/proc/$pid/cmdline"
}

free_port() {
    command -v python3 >/dev/null || { log "python3 is required (to find a free port)"; exit 1; }
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    mkdir -p "$CACHE"
    # One start at a time; the lock's descriptor is closed for the server, which must not hold it.
    exec 9>"$CACHE/lock"
    flock 9
    if running; then
        log "reusing the cluster on 127.0.0.1:$(state port)"
        state url
        return 0
    fi
    remove_cluster  # a cluster that died, or a directory left behind
    install
    local bin dir port password pid url
    bin="$(server_bin)"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || { log "the postgres user is missing (reinstall the postgresql package)"; exit 1; }
    fi
    dir="$(mktemp -d "${DIR_PREFIX}XXXXXX")"
    password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    port="$(free_port)"
    url="postgres://postgres:$password@127.0.0.1:$port/postgres?sslmode=disable"
    printf '%s\n' "$password" >"$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    # The state first, so `stop` finds the directory even when starting fails half-way.
    printf 'dir=%s\nport=%s\npid=\nurl=%s\n' "$dir" "$port" "$url" >"$STATE_FILE"
    chmod 600 "$STATE_FILE"
    if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 \
        -E UTF8 --locale=C --no-sync >"$CACHE/initdb.log" 2>&1 9>&-; then
        log "initdb failed:"
        tail -n 40 "$CACHE/initdb.log" >&2
        remove_cluster
        exit 1
    fi
    rm -f "$dir/pwfile"
    # TLS with a self-signed certificate for 127.0.0.1, so tests can check every sslmode against it (plain
    # connections are still accepted: the URL says sslmode=disable).
    if ! as_owner openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/data/server.key" -out "$dir/data/server.crt" \
        >"$CACHE/openssl.log" 2>&1 9>&-; then
        log "making the server's certificate failed:"
        tail -n 20 "$CACHE/openssl.log" >&2
        remove_cluster
        exit 1
    fi
    as_owner chmod 600 "$dir/data/server.key"
    # Tests start many servers at once, each with a pool of connections: more than the default 100.
    # pg_ctl waits until the server is ready, and notices one that exits while starting.
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c ssl=on" \
        start >/dev/null 9>&-; then
        log "the server did not start on 127.0.0.1:$port; its log:"
        tail -n 40 "$dir/server.log" >&2 || true
        remove_cluster
        exit 1
    fi
    pid="$(head -n 1 "$dir/data/postmaster.pid")"
    printf 'dir=%s\nport=%s\npid=%s\nurl=%s\n' "$dir" "$port" "$pid" "$url" >"$STATE_FILE"
    for _ in $(seq 1 40); do
        if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then
            log "started on 127.0.0.1:$port (data in $dir/data)"
            echo "$url"
            return 0
        fi
        sleep 0.25
    done
    log "the server does not accept connections on 127.0.0.1:$port; its log:"
    tail -n 40 "$dir/server.log" >&2 || true
    remove_cluster
    exit 1
}

# Stops the cluster the state file names (by its data directory, then by its PID if it will not stop)
# and removes its directory and the state.
remove_cluster() {
    local dir pid bin
    dir="$(state dir || true)"
    pid="$(state pid || true)"
    if [ -n "$dir" ] && [ -f "$dir/data/postmaster.pid" ] && bin="$(server_bin)"; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 9>&- \
            || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 9>&- || true
        [ -n "$pid" ] || pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    fi
    if [ -n "$pid" ] && [ -n "$dir" ] && grep -qs -- "$dir/data" "/proc/$pid/cmdline"; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    # Only a directory this script made.
    case "$dir" in
        "$DIR_PREFIX"??????) rm -rf "$dir" ;;
    esac
    rm -f "$STATE_FILE"
}

stop() {
    mkdir -p "$CACHE"
    exec 9>"$CACHE/lock"
    flock 9
    if [ -f "$STATE_FILE" ]; then
        log "stopping the cluster on 127.0.0.1:$(state port)"
        remove_cluster
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url)
        running || { log "no cluster runs (scripts/postgres.sh start starts one)"; exit 1; }
        state url
        ;;
    psql)
        shift
        running || { log "no cluster runs (scripts/postgres.sh start starts one)"; exit 1; }
        exec "$(server_bin)/psql" "$(state url)" "$@"
        ;;
    ci-env)
        if [ "${AGENTWIRE_SKIP_POSTGRES:-}" = 1 ] && [ "${CI:-}" != true ]; then
            log "AGENTWIRE_SKIP_POSTGRES=1: the PostgreSQL store tests will be skipped"
            exit 0
        fi
        url="$(start)"
        printf 'export AGENTWIRE_TEST_POSTGRES_URL=%q\n' "$url"
        echo 'export AGENTWIRE_REQUIRE_POSTGRES=1'
        # Runs the EXIT trap the caller had (`trap -p` prints it quoted for the shell) after stopping.
        stop_command="bash '$ROOT/scripts/postgres.sh' stop || true"
        # shellcheck disable=SC2016 # expanded by the caller
        printf 'eval "agentwire_exit_trap=($(trap -p EXIT))"; trap -- %q"${agentwire_exit_trap[2]:-}" EXIT\n' \
            "$stop_command; "
        ;;
    *)
        echo "usage: $0 start|stop|url|psql|ci-env" >&2
        exit 2
        ;;
esac
