# Shared by the measurement scripts: a private virtual X display and a release build.
# shellcheck shell=bash
need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
bin=${BIN:-target/release/hypervisual}
[ -x "$bin" ] || cargo build --release --quiet
for d in $(seq 150 199); do [ -e /tmp/.X11-unix/X$d ] || break; done
Xvfb ":$d" -screen 0 "${XVFB_SIZE:-1920x1080}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$d"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
profile=$(mktemp -d)
cleanup() { kill "${app_pid:-}" "$xvfb_pid" 2>/dev/null || true; rm -rf "$profile"; }
trap cleanup EXIT
# CPU seconds (user + system) a process has used, from /proc.
cpu_secs() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
# Resident memory of a process, MiB.
rss_mib() { awk '/VmRSS/ { print $2 / 1024 }' "/proc/$1/status"; }
# Sends keys to the app. Without a window manager the keyboard follows the pointer, so
# the pointer goes over the (full-screen) window first.
keys() { xdotool mousemove 960 540; xdotool key --delay 150 "$@"; }
# Fails unless the app used CPU while it was meant to animate: a key that went nowhere
# would otherwise make an idle window pass for an animating one.
must_have_worked() {
  awk -v a="$1" -v b="$2" -v what="$3" 'BEGIN { if (b - a < 0.2) { print "the app did not " what " (" b - a " s of CPU): were the keys delivered?"; exit 1 } }'
}
