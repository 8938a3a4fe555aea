#!/usr/bin/env bash
# A real browser in the live class quiz: Debian's Chromium, driven by playwright-core,
# opens the student page at phone size, joins, answers and sees the reveal; screenshots
# of the three states go to OUT (default /tmp/live-browser). Not part of CI (it installs
# Chromium and an npm package).
#   scripts/live-browser.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/live-browser}
mkdir -p "$out"
command -v chromium >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
work=$(mktemp -d)
trap 'kill "${serve_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent playwright-core@1 >/dev/null)
bin=${BIN:-target/release/hypervisual}
[ -x "$bin" ] || cargo build --release --quiet
"$bin" class serve --lesson A1 --listen 127.0.0.1:8797 > "$work/serve.out" & serve_pid=$!
sleep 1
token=$(grep -o 't=[0-9a-f]*' "$work/serve.out" | cut -c3-)
code=$(grep -o 'room code [0-9]*' "$work/serve.out" | awk '{print $3}')
NODE_PATH="$work/node_modules" node scripts/live-browser/phone.js http://127.0.0.1:8797 "$code" "$token" "$out"
curl -s -XPOST "http://127.0.0.1:8797/api/teacher/end?t=$token" >/dev/null
echo "screenshots in $out: 1-join.png 2-question.png 3-revealed.png"
