#!/usr/bin/env bash
# Offline proof: runs a full session (start, play, step, next lessons, theme) under
# strace and shows that the app never opens an internet socket (the X11 display is a
# local unix socket, which is allowed).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v strace >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null; }
. scripts/xvfb-lib.sh
log=$(mktemp)
strace -f -qq -e trace=network -o "$log" "$bin" --profile "$profile" --fullscreen & app_pid=$!
sleep 5
for keys in "space" "Right Right Left" "Next" "space" "Next" "space" "Prior" "ctrl+equal"; do
  # shellcheck disable=SC2086
  keys $keys; sleep 1
done
sleep 2
# Stop the app itself (the child of strace); strace then exits on its own.
pkill -TERM -P "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true
inet=$(grep -E 'AF_INET6?|sin_port|sin6_port' "$log" | grep -v 'AF_UNIX' || true)
calls=$(wc -l < "$log")
if [ -n "$inet" ]; then
  echo "offline: internet socket activity found:"; echo "$inet" | head -20; exit 1
fi
echo "offline: $calls network syscalls traced, all on local unix sockets (X11/D-Bus); no AF_INET/AF_INET6 socket was opened"
