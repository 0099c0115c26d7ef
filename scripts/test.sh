#!/usr/bin/env bash
# Sets up, builds everything (including the agentwire binary the end-to-end tests spawn) and runs
# the whole test suite. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build --build-tests
eval "$(bash scripts/local-model.sh ci-env || echo 'exit 1')"  # real model server for end-to-end tests
swift test --skip-build
