#!/usr/bin/env bash
# Soak: animate the busiest scene for a long time (default 3600 s) and report resident
# memory growth after warm-up (target < 5 MB).
#   scripts/soak.sh [SECONDS] [LESSON]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-lib.sh
secs=${1:-3600} lesson=${2:-A7}
"$bin" --profile "$profile" --lesson "$lesson" & app_pid=$!
sleep 3; xdotool key space; sleep 30
start=$(rss_mib "$app_pid")
elapsed=30
while [ "$elapsed" -lt "$secs" ]; do
  sleep 10; elapsed=$((elapsed + 10))
  # Loop the animation so it never idles.
  xdotool key Home space 2>/dev/null || true
done
end=$(rss_mib "$app_pid")
growth=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "soak: $lesson for ${secs} s: RSS ${start} -> ${end} MiB, growth ${growth} MiB (target < 5 MB)"
awk -v g="$growth" 'BEGIN { exit !(g < 5) }'
