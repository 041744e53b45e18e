#!/usr/bin/env bash
# uninstall.sh [PREFIX] — remove what scripts/install.sh PREFIX installed (PREFIX defaults to
# ~/.local; DESTDIR as for install.sh). A running gateway keeps running until it is stopped.
set -euo pipefail

prefix=${1:-$HOME/.local}
case $prefix in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac
base="${DESTDIR:-}$prefix"
files=(
    "$base/bin/gemini-live-gateway"
    "$base/bin/gemini-live-simulator"
    "$base/share/dbus-1/services/io.github.geminilive.Gateway1.service"
    "$base/share/systemd/user/gemini-live-gateway.service"
    "$base/share/dbus-1/interfaces/io.github.geminilive.Gateway1.xml"
    "$base/share/dbus-1/interfaces/io.github.geminilive.Gateway1.Session.xml"
)
for file in "${files[@]}"; do
    if [ -e "$file" ] || [ -L "$file" ]; then
        rm -f -- "$file"
        echo "[uninstall] removed $file" >&2
    fi
done
# Directories the install created and left empty.
for dir in "$base/share/dbus-1/services" "$base/share/dbus-1/interfaces" "$base/share/dbus-1" \
    "$base/share/systemd/user" "$base/share/systemd"; do
    rmdir -- "$dir" 2>/dev/null || true
done
echo "[uninstall] done; under systemd run: systemctl --user daemon-reload" >&2
