#!/usr/bin/env bash
# Feeds every parser a user can reach (Dockerfile, lesson files, progress imports, CLI
# units) one million generated inputs each (or N), in release mode, and fails on any panic.
# Each parser is one ignored `fuzz_*` test in tests/it/robustness.rs; the filter below runs
# them all, so a new parser needs only its test there:
#   fuzz_dockerfile_parser, fuzz_lesson_loader, fuzz_progress_import, fuzz_unit_parsers,
#   fuzz_build_cache (`sim build --cache FILE`)
#   scripts/fuzz-parsers.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
HYPERVISUAL_FUZZ_CASES=${1:-1000000} cargo test --release --test it -- --ignored --nocapture --test-threads 2 fuzz_ 2>&1 | grep -E '^fuzz |test result|panicked'
