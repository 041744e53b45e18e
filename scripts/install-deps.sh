#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages that building and testing
# gemini-live-gateway need (now and for the upcoming D-Bus/PipeWire parts).
#
# Idempotent: asks dpkg-query first and runs `apt-get update` + `apt-get install`
# only when something is missing. Uses sudo when not root.
#
# Usage:  scripts/install-deps.sh            # install what is missing
#         scripts/install-deps.sh --bench    # also what scripts/bench-audio.sh --peer pyaudio needs
#         scripts/install-deps.sh --check    # only report; exit 1 if something is missing
# Knobs:  GEMINI_LIVE_SKIP_DEPS=1            # do nothing (e.g. a pre-provisioned image)
#         GEMINI_LIVE_EXTRA_PACKAGES="a b"   # install these too
#
# Packages (all --no-install-recommends):
#   build:   libdbus-1-dev pkg-config libpipewire-0.3-dev libspa-0.2-dev
#   runtime: dbus-daemon dbus-bin libglib2.0-bin (gdbus) pipewire-bin wireplumber
#            systemd (only when busctl is missing: busctl lives there; systemd need not run)
#   tests:   sox espeak-ng openssl python3-gi python3-dbus (examples/), gnome-keyring libsecret-tools
#            (a real Secret Service and secret-tool for the key-source tests),
#            python3-venv (only when `python3 -m venv` does not work)
#   bench (--bench only): pipewire-alsa python3-pyaudio (the PyAudio peer of bench-audio.sh)
# TLS needs no libssl-dev: swift-nio-ssl bundles BoringSSL.
set -euo pipefail

log() { echo "[install-deps] $*" >&2; }

if [ "${GEMINI_LIVE_SKIP_DEPS:-0}" = 1 ]; then
    log "GEMINI_LIVE_SKIP_DEPS=1: skipping"
    exit 0
fi

check_only=0 bench=0
for argument in "$@"; do
    case "$argument" in
        --check) check_only=1 ;;
        --bench) bench=1 ;;
        *) echo "usage: $0 [--check] [--bench]" >&2; exit 2 ;;
    esac
done

command -v dpkg-query >/dev/null 2>&1 || { log "not a Debian-based system (no dpkg-query); install the packages listed in this script by hand"; exit 1; }

pkgs=(libdbus-1-dev pkg-config libpipewire-0.3-dev libspa-0.2-dev
      dbus-daemon dbus-bin libglib2.0-bin pipewire-bin wireplumber
      sox espeak-ng openssl python3-gi python3-dbus gnome-keyring libsecret-tools
      tmux)  # tmux: the CLI tests type into `gemini-live talk` and read its screen back
command -v busctl >/dev/null 2>&1 || pkgs+=(systemd)
[ "$bench" = 1 ] && pkgs+=(pipewire-alsa python3-pyaudio)

# python3-venv: needed only when the python3 on PATH cannot make a venv with pip
# (Debian's own python3 without python3-venv fails at ensurepip).
venv_works() {
    # Debian's python3 without python3-venv lacks ensurepip, so `-m venv` fails.
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1
}
if ! command -v python3 >/dev/null 2>&1; then
    pkgs+=(python3 python3-venv)
elif ! venv_works; then
    pkgs+=(python3-venv)
fi

# shellcheck disable=SC2206  # word splitting of the knob is intended
[ -n "${GEMINI_LIVE_EXTRA_PACKAGES:-}" ] && pkgs+=(${GEMINI_LIVE_EXTRA_PACKAGES})

missing=()
for p in "${pkgs[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#pkgs[@]} packages already installed"
    exit 0
fi
if [ "$check_only" = 1 ]; then
    log "missing: ${missing[*]}"
    exit 1
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
fi

log "installing: ${missing[*]}"
t0=$SECONDS
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
log "done in $((SECONDS - t0)) s"
