#!/usr/bin/env bash
# Peak resident memory while a headline scene animates for 30 s (target <= 120 MB).
#   scripts/memory.sh [LESSON] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/xvfb-lib.sh
lesson=${1:-A1} secs=${2:-30}
"$bin" --profile "$profile" --lesson "$lesson" --fullscreen & app_pid=$!
sleep 3; t0=$(cpu_secs "$app_pid"); keys space
peak=0
for _ in $(seq "$secs"); do
  sleep 1
  r=$(rss_mib "$app_pid"); peak=$(awk -v a="$peak" -v b="$r" 'BEGIN { print (b > a) ? b : a }')
  # Restart the animation when it ends, so the whole window animates.
  keys Home space 2>/dev/null || true
done
must_have_worked "$t0" "$(cpu_secs "$app_pid")" "animate"
hwm=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$app_pid/status")
# Under Xvfb the GL driver is Mesa's software renderer, whose LLVM JIT alone maps ~55 MiB;
# report the app's own share too (everything but the GL driver's libraries).
gl=$(awk '/^[0-9a-f]+-/ { name = $6 } /^Rss:/ { if (name ~ /libLLVM|dri\/|libgallium|libGL|libEGL|libglapi/) sum += $2 } END { print sum / 1024 }' "/proc/$app_pid/smaps")
anon=$(awk '/^Pss_Anon:/ { print $2 / 1024 }' "/proc/$app_pid/smaps_rollup")
echo "memory: $lesson animating ${secs} s: peak RSS ${hwm} MiB (sampled max ${peak} MiB; target <= 120 MB); of which software-GL libraries ${gl} MiB; app heap and other anonymous memory ${anon} MiB"
