#!/usr/bin/env bash
# install.sh [PREFIX] — install gemini-live-gateway for this user (PREFIX defaults to ~/.local):
#
#   PREFIX/bin/gemini-live-gateway, PREFIX/bin/gemini-live-simulator         release builds
#   PREFIX/share/dbus-1/services/io.github.geminilive.Gateway1.service        D-Bus activation
#   PREFIX/share/systemd/user/gemini-live-gateway.service                      systemd user unit
#   PREFIX/share/dbus-1/interfaces/io.github.geminilive.Gateway1*.xml          the API reference
#
# The session bus then starts the gateway on the first call to io.github.geminilive.Gateway1
# (both directories are on the default search paths for ~/.local, /usr/local and /usr).
# scripts/uninstall.sh PREFIX removes it all again.
#
# Knobs: DESTDIR=DIR stages the files under DIR (paths inside them still name PREFIX);
#        GEMINI_LIVE_BIN_DIR=DIR installs the executables already built in DIR instead of building.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-$HOME/.local}
case $prefix in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac
if [[ $prefix =~ [[:space:]] ]]; then
    echo "install.sh: PREFIX must not contain whitespace (D-Bus and systemd would split Exec= at it): $prefix" >&2
    exit 2
fi
destdir=${DESTDIR:-}
bindir="$prefix/bin"
log() { echo "[install] $*" >&2; }

bin_dir=${GEMINI_LIVE_BIN_DIR:-}
if [ -z "$bin_dir" ]; then
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    log "building the release executables"
    (cd "$root" && swift build -c release --product gemini-live-gateway >&2 && swift build -c release --product gemini-live-simulator >&2)
    bin_dir=$(cd "$root" && swift build -c release --show-bin-path)
fi

substitute() {  # substitute SOURCE TARGET: copy with @bindir@ replaced, mode 0644
    local text
    text=$(<"$1")
    mkdir -p "$(dirname "$2")"
    printf '%s\n' "${text//@bindir@/$bindir}" >"$2"
    chmod 0644 "$2"
}

for name in gemini-live-gateway gemini-live-simulator; do
    [ -x "$bin_dir/$name" ] || { log "no executable $bin_dir/$name"; exit 1; }
    install -D -m 0755 "$bin_dir/$name" "$destdir$bindir/$name"
    log "installed $bindir/$name"
done
substitute "$root/dbus/io.github.geminilive.Gateway1.service" \
    "$destdir$prefix/share/dbus-1/services/io.github.geminilive.Gateway1.service"
substitute "$root/dbus/gemini-live-gateway.service" "$destdir$prefix/share/systemd/user/gemini-live-gateway.service"
for xml in "$root"/dbus/io.github.geminilive.Gateway1*.xml; do
    install -D -m 0644 "$xml" "$destdir$prefix/share/dbus-1/interfaces/$(basename "$xml")"
done
log "installed the D-Bus activation file, the systemd user unit and the interface XML under $prefix/share"
log "under systemd run: systemctl --user daemon-reload; the first call to io.github.geminilive.Gateway1 starts the gateway"
