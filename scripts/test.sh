#!/usr/bin/env bash
# Sets up, builds everything (including the agentwire binary the end-to-end tests spawn) and runs
# the whole test suite. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The suite runs its tests in parallel, hundreds of in-process servers on pipes at once: let it have
# every descriptor the machine allows. A crash prints only the crashed thread, so it is easy to find.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=yes,interactive=no,threads=crashed,registers=none,images=none}"
swift build --build-tests
eval "$(bash scripts/local-model.sh ci-env || echo 'exit 1')"  # real model server for end-to-end tests
# A throwaway PostgreSQL for the shared run store tests; its stop joins the EXIT trap set just above.
eval "$(bash scripts/postgres.sh ci-env || echo 'exit 1')"
# The official Python MCP SDK, whose server the MCP client tests call (and the ACP/MCP SDK clients below).
AGENTWIRE_TEST_PYTHON="$(bash scripts/setup-protocol-clients.sh)"
export AGENTWIRE_TEST_PYTHON
# These suites run after the rest, so the rest's timing-sensitive tests (reaping, cross-process
# cancellation, replies from tasks) do not share the cores with them: the MCP client suites start a Python
# MCP server per test (a second of CPU each), and the PostgreSQL ones call the store synchronously from
# their tests, each call holding a thread of the test process's shared pool while the database answers.
late_suites='MCPToolTests|MCPSessionAndProcessTests|Postgres|RunStoreContractTests|SessionListContractTests'
# Two suites run apart from both groups. The fuzz harness's comparison of its in-memory output with a
# server's on pipes: at end of input a face answers what is still reading the store within 5 s, and beside the
# other suites a task of the shared pool can wait longer than that for a thread. The PostgreSQL outage test:
# it cuts the database a few tokens into a six-second run, and beside the late suites (whose store calls hold
# pool threads) the task that waits for those tokens can be left unscheduled until the run has ended.
alone_suites='FuzzHarnessTests|PostgresOutageTests'
swift test --skip-build --skip "$late_suites|$alone_suites"
swift test --skip-build --filter "$alone_suites"
swift test --skip-build --filter "$late_suites" --skip "$alone_suites"
# ACP and MCP through the official Python SDKs, against the binary built above.
bash scripts/test-protocols.sh
# The editor plug-ins inside Neovim, Emacs and node.
bash scripts/test-editors.sh
# The Python and Node client libraries against the binary.
bash scripts/test-clients.sh
# libFuzzer over framing, parsing and dispatch, briefly (see scripts/fuzz.sh to run it longer).
bash scripts/fuzz.sh 30
# Metrics over a real /metrics listener, checked with promtool.
bash scripts/test-observability.sh
bash scripts/soak.sh 60
# The installed binary, in a temporary prefix, run without the Swift toolchain.
bash scripts/test-install.sh
