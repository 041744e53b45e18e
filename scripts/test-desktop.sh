#!/usr/bin/env bash
# test-desktop.sh — a private, headless "desktop" for tests: a D-Bus session bus,
# PipeWire and WirePlumber under a fresh temporary XDG_RUNTIME_DIR. Needs no systemd
# and no sound card (PipeWire's stock Dummy-Driver clocks the graph); works as root.
#
# Usage:
#   eval "$(scripts/test-desktop.sh start)"   # prints only `export …` lines on stdout
#   …tests (busctl --user, pw-cat, the gateway) …
#   scripts/test-desktop.sh stop              # stops what `start` started ($TEST_DESKTOP_DIR)
#   scripts/test-desktop.sh stop DIR          # the same for an explicit directory
#   scripts/test-desktop.sh status [DIR]      # lists the daemons and whether they run
#   scripts/test-desktop.sh restart-pipewire [DIR]  # stops PipeWire and WirePlumber, starts them again
#   scripts/test-desktop.sh run -- CMD…       # start, run CMD inside, stop; exits with CMD's status
#
# Knobs (environment):
#   TEST_DESKTOP_INSTALL=0        do not run scripts/install-deps.sh first (default 1)
#   TEST_DESKTOP_WIREPLUMBER=0    no WirePlumber: nothing links automatically (use pw-link),
#                                 and pw_stream nodes need adapter.auto-port-config for ports
#   TEST_DESKTOP_PULSE=1          also start pipewire-pulse (installs pipewire-pulse pulseaudio-utils)
#   TEST_DESKTOP_QUANTUM=N        pin the graph quantum (quantum = min = max = N, e.g. 256)
#   TEST_DESKTOP_BASE=DIR         where the temporary directory is made (default: $TMPDIR or /tmp)
#
# Safety: daemons are stopped only by the PIDs recorded in the directory, and only when
# /proc/PID/comm still names the program and the process belongs to this directory (its
# command line or environment names it). Nothing is ever killed by name. Daemon output goes
# to DIR/*.log: a daemon holding the stdout pipe would make `$(…)` wait forever.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
self="$root/scripts/test-desktop.sh"
dir_prefix=gemini-live-desktop.

log() { echo "[test-desktop] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- process checks

# is_ours PID COMM DIR: PID is alive (not a zombie), runs COMM, and belongs to DIR.
is_ours() {
    local pid=$1 comm=$2 dir=$3 state
    [ -r "/proc/$pid/comm" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    [ "$state" != Z ] || return 1
    # dbus-daemon has the socket path on its command line; PipeWire and WirePlumber have
    # XDG_RUNTIME_DIR=DIR in their environment. When /proc hides both, trust comm alone.
    # (grep -z reads the NUL-separated files directly: no pipe, so no SIGPIPE under pipefail.)
    if grep -qzF "$dir" "/proc/$pid/cmdline" 2>/dev/null; then
        return 0
    fi
    if [ -r "/proc/$pid/environ" ]; then
        # Explicit statuses only: a bare `return` in code run from an EXIT trap
        # returns the status the script was exiting with, not grep's.
        if grep -qzxF "XDG_RUNTIME_DIR=$dir" "/proc/$pid/environ" 2>/dev/null; then return 0; fi
        return 1
    fi
    return 0
}

# stop_one DIR NAME COMM: TERM, wait up to 5 s, then KILL.
stop_one() {
    local dir=$1 name=$2 comm=$3 file="$1/$2.pid" pid i
    [ -f "$file" ] || return 0
    pid=$(tr -dc 0-9 < "$file")
    rm -f "$file"
    [ -n "$pid" ] || return 0
    is_ours "$pid" "$comm" "$dir" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        is_ours "$pid" "$comm" "$dir" || break
        sleep 0.1
    done
    if is_ours "$pid" "$comm" "$dir"; then
        log "$name ($pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name ($pid)"
}

check_dir() {
    local dir=$1
    [ -n "$dir" ] || die "no directory given and TEST_DESKTOP_DIR is not set"
    case "$(basename "$dir")" in
        "$dir_prefix"*) ;;
        *) die "refusing: $dir is not a test-desktop directory" ;;
    esac
}

cmd_stop() {
    local dir=${1:-${TEST_DESKTOP_DIR:-}}
    check_dir "$dir"
    [ -d "$dir" ] || { log "$dir is already gone"; return 0; }
    # Reverse start order: clients of the bus and of PipeWire first.
    stop_one "$dir" pipewire-pulse pipewire-pulse
    stop_one "$dir" wireplumber wireplumber
    stop_one "$dir" pipewire pipewire
    stop_one "$dir" dbus dbus-daemon
    rm -rf "$dir"
    # A swift command run inside the desktop keeps its configuration under our XDG_CONFIG_HOME
    # and leaves a lock file named after that path in the temporary directory.
    rm -f "${TMPDIR:-/tmp}/$(printf '%s' "$dir/config/swiftpm" | tr / _).lock"
}

cmd_status() {
    local dir=${1:-${TEST_DESKTOP_DIR:-}} name comm pid rc=0
    check_dir "$dir"
    [ -d "$dir" ] || die "$dir does not exist"
    for name in dbus:dbus-daemon pipewire:pipewire wireplumber:wireplumber pipewire-pulse:pipewire-pulse; do
        comm=${name#*:}; name=${name%%:*}
        [ -f "$dir/$name.pid" ] || continue
        pid=$(tr -dc 0-9 < "$dir/$name.pid")
        if is_ours "$pid" "$comm" "$dir"; then
            echo "$name $pid running"
        else
            echo "$name $pid not running"; rc=1
        fi
    done
    return "$rc"
}

# ---------------------------------------------------------------- start

# wait_for SECONDS NAME PID|- COMMAND…: poll COMMAND every 50 ms; fail fast if PID exits.
wait_for() {
    local secs=$1 what=$2 pid=$3 i
    shift 3
    for ((i = 0; i < secs * 20; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if [ "$pid" != - ] && ! kill -0 "$pid" 2>/dev/null; then
            die "$what exited during startup: $(tail -n 5 "$TEST_DESKTOP_DIR/$what.log" 2>/dev/null | tr '\n' ' ')"
        fi
        sleep 0.05
    done
    die "timed out after ${secs}s waiting for $what (log: $TEST_DESKTOP_DIR/$what.log)"
}
bus_ready() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.GetId
}
wp_ready() { timeout 2 pw-cli ls Metadata | grep -q 'metadata.name = "default"'; }


# start_pipewire DIR: PipeWire on DIR's socket, ready after a round trip.
start_pipewire() {
    local dir=$1
    pipewire > "$dir/pipewire.log" 2>&1 < /dev/null &
    echo $! > "$dir/pipewire.pid"
    wait_for 10 pipewire "$!" test -S "$dir/pipewire-0"
    wait_for 10 pipewire "$(cat "$dir/pipewire.pid")" timeout 2 pw-cli info 0
    log "pipewire $(cat "$dir/pipewire.pid")"
}

# start_wireplumber DIR: ready once its policy has created the "default" metadata.
start_wireplumber() {
    local dir=$1
    wireplumber > "$dir/wireplumber.log" 2>&1 < /dev/null &
    echo $! > "$dir/wireplumber.pid"
    wait_for 10 wireplumber "$!" wp_ready
    log "wireplumber $(cat "$dir/wireplumber.pid")"
}

# enter_dir DIR: the environment of a program inside the desktop.
enter_dir() {
    export TEST_DESKTOP_DIR="$1"
    export XDG_RUNTIME_DIR="$1"
    export XDG_STATE_HOME="$1/state"      # WirePlumber's restore-stream and default-nodes
    export XDG_CONFIG_HOME="$1/config"    # keeps ~/.config/{pipewire,wireplumber,pulse} untouched
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$1/bus"
    unset PIPEWIRE_REMOTE PIPEWIRE_RUNTIME_DIR PULSE_SERVER
}

# cmd_restart_pipewire DIR: stops PipeWire (and WirePlumber, if it ran) and starts them again on
# the same socket, as when the user's PipeWire restarts.
cmd_restart_pipewire() {
    local dir=${1:-${TEST_DESKTOP_DIR:-}} with_wp=0
    check_dir "$dir"
    [ -d "$dir" ] || die "$dir does not exist"
    [ ! -f "$dir/wireplumber.pid" ] || with_wp=1
    stop_one "$dir" wireplumber wireplumber
    stop_one "$dir" pipewire pipewire
    enter_dir "$dir"
    start_pipewire "$dir"
    [ "$with_wp" = 0 ] || start_wireplumber "$dir"
}

cmd_start() {
    local install=${TEST_DESKTOP_INSTALL:-1} with_wp=${TEST_DESKTOP_WIREPLUMBER:-1}
    local with_pulse=${TEST_DESKTOP_PULSE:-0} quantum=${TEST_DESKTOP_QUANTUM:-}
    local base=${TEST_DESKTOP_BASE:-${TMPDIR:-/tmp}} t0=$SECONDS b

    if [ "$install" = 1 ]; then
        if [ "$with_pulse" = 1 ]; then
            GEMINI_LIVE_EXTRA_PACKAGES="${GEMINI_LIVE_EXTRA_PACKAGES:-} pipewire-pulse pulseaudio-utils" \
                "$root/scripts/install-deps.sh"
        else
            "$root/scripts/install-deps.sh"
        fi
    fi
    for b in dbus-daemon dbus-send pipewire pw-cli; do
        command -v "$b" >/dev/null 2>&1 || die "missing $b (run scripts/install-deps.sh)"
    done
    [ "$with_wp" != 1 ] || command -v wireplumber >/dev/null 2>&1 || die "missing wireplumber"
    [ "$with_pulse" != 1 ] || command -v pipewire-pulse >/dev/null 2>&1 || die "missing pipewire-pulse"

    dir=$(mktemp -d "$base/${dir_prefix}XXXXXX")
    chmod 700 "$dir"
    # From here on, a failure stops whatever already started (by PID) and removes the dir.
    trap 'rc=$?; if [ "$rc" -ne 0 ]; then log "start failed (rc=$rc); cleaning up $dir"; cmd_stop "$dir" || true; fi' EXIT

    mkdir -p "$dir/state" "$dir/config"
    enter_dir "$dir"

    if [ -n "$quantum" ]; then
        case "$quantum" in *[!0-9]*) die "TEST_DESKTOP_QUANTUM must be a number" ;; esac
        mkdir -p "$dir/config/pipewire/pipewire.conf.d"
        cat > "$dir/config/pipewire/pipewire.conf.d/50-quantum.conf" <<EOF
context.properties = {
    default.clock.quantum = $quantum
    default.clock.min-quantum = $quantum
    default.clock.max-quantum = $quantum
}
EOF
    fi

    # 1. Session bus. --fork returns once the socket listens; --print-pid gives the real PID.
    dbus-daemon --session --fork --nopidfile --address="unix:path=$dir/bus" \
        --print-pid=1 > "$dir/dbus.pid" 2> "$dir/dbus.log" < /dev/null
    wait_for 5 dbus - bus_ready
    log "dbus-daemon $(cat "$dir/dbus.pid") at $DBUS_SESSION_BUS_ADDRESS"

    # 2. PipeWire: the socket, then a round trip.
    start_pipewire "$dir"

    # 3. WirePlumber: ready once its policy has created the "default" metadata.
    [ "$with_wp" != 1 ] || start_wireplumber "$dir"

    # 4. Optional Pulse API.
    if [ "$with_pulse" = 1 ]; then
        pipewire-pulse > "$dir/pipewire-pulse.log" 2>&1 < /dev/null &
        echo $! > "$dir/pipewire-pulse.pid"
        wait_for 10 pipewire-pulse "$!" test -S "$dir/pulse/native"
        log "pipewire-pulse $(cat "$dir/pipewire-pulse.pid")"
    fi

    trap - EXIT
    cat <<EOF
export TEST_DESKTOP_DIR='$dir'
export XDG_RUNTIME_DIR='$dir'
export XDG_STATE_HOME='$dir/state'
export XDG_CONFIG_HOME='$dir/config'
export DBUS_SESSION_BUS_ADDRESS='unix:path=$dir/bus'
export TEST_DESKTOP_WIREPLUMBER='$with_wp'
unset PIPEWIRE_REMOTE PIPEWIRE_RUNTIME_DIR PULSE_SERVER
EOF
    log "ready in $((SECONDS - t0)) s; stop with: $self stop '$dir'"
}

cmd_run() {
    [ "${1:-}" = -- ] && shift
    [ $# -gt 0 ] || usage
    local env_lines rc=0
    env_lines=$(cmd_start)
    eval "$env_lines"
    # shellcheck disable=SC2064  # expand the directory now
    trap "cmd_stop '$TEST_DESKTOP_DIR'" EXIT
    "$@" || rc=$?
    return "$rc"
}

case "${1:-}" in
    start) shift; [ $# -eq 0 ] || usage; cmd_start ;;
    stop) shift; cmd_stop "$@" ;;
    status) shift; cmd_status "$@" ;;
    run) shift; cmd_run "$@" ;;
    restart-pipewire) shift; cmd_restart_pipewire "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
