#!/usr/bin/env bash
# Builds the Debian/Ubuntu package with `cargo deb`, unpacks it into a scratch root with
# `dpkg -x` and checks that it installs the binary, the desktop entry and the icon, that
# the binary runs from there, and that the desktop entry validates.
# Needs cargo-deb (`cargo install cargo-deb`); installs desktop-file-utils if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null || { echo "cargo-deb is missing: cargo install cargo-deb" >&2; exit 1; }
if ! command -v desktop-file-validate >/dev/null && command -v apt-get >/dev/null; then
  apt-get install -y desktop-file-utils >/dev/null 2>&1 || true
fi
deb=$(cargo deb | tail -n 1)
[ -f "$deb" ] || { echo "cargo deb did not name a package file" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
fail=0
for f in usr/bin/hypervisual \
         usr/share/applications/hypervisual.desktop \
         usr/share/icons/hicolor/scalable/apps/hypervisual.svg; do
  if [ -f "$root/$f" ]; then echo "ok    /$f"; else echo "MISSING /$f"; fail=1; fi
done
[ -x "$root/usr/bin/hypervisual" ] || { echo "the binary is not executable"; fail=1; }
"$root/usr/bin/hypervisual" check >/dev/null && echo "ok    the installed binary checks its built-in lessons" || fail=1
cmp -s assets/hypervisual.desktop "$root/usr/share/applications/hypervisual.desktop" || { echo "desktop entry differs"; fail=1; }
cmp -s assets/icons/hypervisual.svg "$root/usr/share/icons/hicolor/scalable/apps/hypervisual.svg" || { echo "icon differs"; fail=1; }
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/usr/share/applications/hypervisual.desktop" && echo "ok    desktop-file-validate" || fail=1
else
  echo "skip  desktop-file-validate (not installed)"
fi
dpkg-deb --info "$deb" | sed -n 's/^ *\(Package\|Version\|Depends\|Installed-Size\):/  &/p'
echo "package: $deb ($(du -h "$deb" | cut -f1))"
exit "$fail"
