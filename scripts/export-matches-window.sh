#!/usr/bin/env bash
# The headless picture path draws what the window draws: renders the whole window of a
# lesson headless (`hypervisual render --whole-window`, egui's triangles filled by the
# app's own rasteriser) and compares it with a screenshot of the real window under Xvfb
# (Mesa's OpenGL), both at 1600x900 (the window's first size, so both lay out alike) in
# the light theme, light rendering off, diagram paused at its start.
#   scripts/export-matches-window.sh [LESSON] [MAX_DIFFERING_PERCENT]
# Counts pixels that differ by more than 10 % in any channel; fails above the limit
# (default 1 %).
set -euo pipefail
cd "$(dirname "$0")/.."
lesson=${1:-A1}
limit=${2:-1}
export XVFB_SIZE=1600x900
. scripts/xvfb-lib.sh
printf '(version: 1, settings: (light_rendering: Some(false)))\n' > "$profile/progress.ron"
[ -x /usr/bin/compare ] || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq imagemagick >/dev/null; }
out=$(mktemp -d)
"$bin" render --lesson "$lesson" --whole-window --theme light --size 1600x900 --out "$out/headless.png" >/dev/null
"$bin" --profile "$profile" --lesson "$lesson" --theme light --fullscreen & app_pid=$!
sleep 5
xdotool mousemove 1599 899   # pointer in a corner: no hover highlight
sleep 1
/usr/bin/import -window root "$out/window.png"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
differing=$(/usr/bin/compare -metric AE -fuzz 10% "$out/window.png" "$out/headless.png" "$out/diff.png" 2>&1 || true)
differing=${differing%% *}
pct=$(awk -v d="$differing" 'BEGIN { printf "%.3f", d / (1600 * 900) * 100 }')
echo "$lesson: $differing of 1440000 pixels differ by more than 10 % ($pct %, limit $limit %); pictures in $out"
awk -v p="$pct" -v l="$limit" 'BEGIN { exit !(p <= l) }'
