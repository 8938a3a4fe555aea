#!/usr/bin/env bash
# Feeds every parser a user can reach (Dockerfile, lesson files, CLI units) one million
# generated inputs each (or N), in release mode, and fails on any panic.
#   scripts/fuzz-parsers.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
HYPERVISUAL_FUZZ_CASES=${1:-1000000} cargo test --release --test it -- --ignored --nocapture --test-threads 2 fuzz_ 2>&1 | grep -E '^fuzz |test result|panicked'
