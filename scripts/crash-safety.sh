#!/usr/bin/env bash
# Kills the app with SIGKILL while it saves progress, N times (default 1000), and checks
# after each kill that the progress file is one complete version (old or new), never torn.
# Then runs two processes saving to one profile at once (N saves each) and checks that
# the file keeps every answer of both.
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
# Each killed process leaves at most its own temporary file; the app removes one only
# when its pid is its own, or when it is over an hour old and its process is gone.
leftover=$(find "$dir" -name '*.tmp-*' | wc -l)
echo "crash-safety: $n kills, $complete complete files, $none before the first save, $torn torn ($leftover temp files of killed saves left behind)"

# Two writers on one profile: each save takes the profile lock for its duration and
# merges what the other wrote, so both writers' answers must all be there.
two=$(mktemp -d)
trap 'rm -rf "$dir" "$two"' EXIT
start=$(date +%s.%N)
"$bin" save-stress --profile "$two" --writer a --count "$n" & a=$!
"$bin" save-stress --profile "$two" --writer b --count "$n" & b=$!
wait "$a"; wait "$b"
end=$(date +%s.%N)
kept=$("$bin" save-stress --profile "$two" --check) || true
echo "crash-safety: two processes, $n saves each in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s: $kept"
[ "$torn" -eq 0 ] && [ "$kept" = "writers: a $n, b $n" ]
