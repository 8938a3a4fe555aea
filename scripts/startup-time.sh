#!/usr/bin/env bash
# Time from process start to the first frame drawn, as a whole process, under Xvfb
# (target <= 0.3 s): median of N runs of `hypervisual --exit-after-first-frame`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-lib.sh
runs=${1:-15}
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  "$bin" --profile "$profile" --exit-after-first-frame >/dev/null 2>&1
  end=$(date +%s.%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "startup: median ${median} s to the first frame over $runs runs (target <= 0.3 s)"
