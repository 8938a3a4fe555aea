#!/usr/bin/env bash
# Offline proof: runs a full session (start, play, step, next lessons, theme) under
# strace and shows that the app never connects to another machine (the X11 display is a
# local unix socket, which is allowed), then opens the live class quiz and shows that it
# listens only while its room is open.
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
# The live class quiz: presentation mode, L opens the room. The app may listen now (on
# the quiz's port), but it still connects to nothing; leaving presentation closes the room.
keys F5; sleep 1; keys l; sleep 2
listening_open=$(ss -ltnH 'sport = :8765' | wc -l)
keys Escape; sleep 1; keys Escape; sleep 5
listening_after=$(ss -ltnH 'sport = :8765' | wc -l)
# Stop the app itself (the child of strace); strace then exits on its own.
pkill -TERM -P "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true
# Internet sockets may only be the live quiz's listener: socket, bind, listen, accept and
# their options (and the listener waking itself on loopback to stop); any connect or send
# to an address off this machine fails the check.
inet=$(grep -E 'AF_INET6?|sin_port|sin6_port' "$log" | grep -v 'AF_UNIX' | grep -E '^[0-9]+ +(connect|sendto|sendmsg)' \
  | grep -vE 'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"' || true)
if [ "$listening_open" -lt 1 ]; then
  echo "offline: the live quiz did not listen while its room was open (keys not delivered?)"; exit 1
fi
if [ "$listening_after" -ne 0 ]; then
  echo "offline: something still listens on the live quiz's port after the room closed"; exit 1
fi
calls=$(wc -l < "$log")
if [ -n "$inet" ]; then
  echo "offline: internet socket activity found:"; echo "$inet" | head -20; exit 1
fi
echo "offline: $calls network syscalls traced; no connection to any internet address; the live quiz listened on :8765 only while its room was open"
