#!/usr/bin/env bash
# Soak: animate the busiest scene for a long time (default 3600 s) and report resident
# memory growth after warm-up (target < 5 MB).
#   scripts/soak.sh [SECONDS] [LESSON]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-lib.sh
secs=${1:-3600} lesson=${2:-A7}
"$bin" --profile "$profile" --lesson "$lesson" --fullscreen & app_pid=$!
sleep 3; t0=$(cpu_secs "$app_pid"); keys space; sleep 30
start=$(rss_mib "$app_pid")
elapsed=30
while [ "$elapsed" -lt "$secs" ]; do
  sleep 10; elapsed=$((elapsed + 10))
  # Loop the animation so it never idles.
  keys Home space 2>/dev/null || true
done
must_have_worked "$t0" "$(cpu_secs "$app_pid")" "animate"
cpu=$(awk -v a="$t0" -v b="$(cpu_secs "$app_pid")" 'BEGIN { printf "%.0f", b - a }')
end=$(rss_mib "$app_pid")
growth=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "soak: $lesson for ${secs} s (${cpu} s of CPU spent animating): RSS ${start} -> ${end} MiB, growth ${growth} MiB (target < 5 MB)"
awk -v g="$growth" 'BEGIN { exit !(g < 5) }'
