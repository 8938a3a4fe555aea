#!/usr/bin/env bash
# Kills the app with SIGKILL while it saves progress, N times (default 1000), and checks
# after each kill that the progress file is one complete version (old or new), never torn.
#   scripts/crash-safety.sh [N] [BINARY]
set -euo pipefail
n=${1:-1000}
bin=${2:-target/release/hypervisual}
[ -x "$bin" ] || cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
torn=0 complete=0 none=0
for i in $(seq "$n"); do
  "$bin" save-stress --profile "$dir" & pid=$!
  # Kill at a random moment 1-30 ms in: mid-write, mid-fsync or mid-rename.
  sleep "0.0$(printf '%02d' $((RANDOM % 30 + 1)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  out=$("$bin" save-stress --profile "$dir" --check) || { torn=$((torn + 1)); echo "kill $i: $out"; }
  case $out in complete*) complete=$((complete + 1)) ;; none) none=$((none + 1)) ;; esac
done
leftover=$(find "$dir" -name '*.tmp-*' | wc -l)
echo "crash-safety: $n kills, $complete complete files, $none before the first save, $torn torn ($leftover temp files left behind, ignored on load)"
[ "$torn" -eq 0 ]
