#!/usr/bin/env bash
# CPU the app uses while a lesson's diagram animates full screen at 1920x1080 under Xvfb
# (Mesa's software OpenGL, as on a classroom PC without a GPU driver): CPU ticks from
# /proc over SECONDS of playing. The diagram is restarted (Home, Space) every 2 s so a
# short timeline cannot end early and pass for a cheap one.
#   scripts/animate-cpu.sh LESSON [SECONDS] [normal|light|both]
# Targets: at most 1 core with normal rendering, at most 0.5 core with light rendering.
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=${1:?usage: scripts/animate-cpu.sh LESSON [SECONDS] [normal|light|both]}
secs=${2:-10}
modes=${3:-both}
[ "$modes" = both ] && modes="normal light"
. scripts/xvfb-lib.sh
status=0
for mode in $modes; do
  light=false
  [ "$mode" = light ] && light=true
  rm -f "$profile"/progress*
  printf '(version: 1, settings: (light_rendering: Some(%s)))\n' "$light" > "$profile/progress.ron"
  "$bin" --profile "$profile" --lesson "$lesson" --fullscreen & app_pid=$!
  sleep 4
  keys space
  sleep 1
  before=$(cpu_secs "$app_pid")
  end=$((SECONDS + secs))
  while [ $SECONDS -lt $end ]; do
    sleep 2
    keys Home space
  done
  after=$(cpu_secs "$app_pid")
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
  must_have_worked "$before" "$after" "animate"
  cores=$(awk -v a="$before" -v b="$after" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s }')
  target=1.0
  [ "$mode" = light ] && target=0.5
  echo "$lesson $mode: $cores cores over $secs s animating (target <= $target)"
  awk -v c="$cores" -v t="$target" 'BEGIN { exit !(c <= t) }' || status=1
done
exit $status
