#!/usr/bin/env bash
# With the diagram paused, the window must draw nothing: measures the app's CPU use over
# 10 s of idling under Xvfb (target < 0.5 %), after a short animated start.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-lib.sh
"$bin" --profile "$profile" --lesson A1 --fullscreen & app_pid=$!
sleep 4
t0=$(cpu_secs "$app_pid")
keys space; sleep 3; keys space                  # play three seconds, then pause
must_have_worked "$t0" "$(cpu_secs "$app_pid")" "animate"
xdotool mousemove 960 1075                       # pointer off the diagram's parts
sleep 2
before=$(cpu_secs "$app_pid")
sleep 10
after=$(cpu_secs "$app_pid")
pct=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", (b - a) / 10 * 100 }')
echo "idle: ${pct} % CPU over 10 s paused (target < 0.5 %)"
awk -v p="$pct" 'BEGIN { exit !(p < 0.5) }'
