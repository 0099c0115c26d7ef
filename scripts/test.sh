#!/usr/bin/env bash
# Sets up, builds everything (including the agentwire binary the end-to-end tests spawn) and runs
# the whole test suite. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build --build-tests
swift test --skip-build
bash scripts/test-observability.sh
