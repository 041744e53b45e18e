#!/usr/bin/env bash
# echo-room.sh — a virtual room made of PipeWire nodes, for testing echo cancellation without
# hardware: "speakers" whose sound reaches a "microphone" through a delay and a gain (the
# acoustic path), and a "near end" sink whose sound (the user speaking) reaches the microphone
# directly.
#
# Usage (inside a desktop, e.g. after eval "$(scripts/test-desktop.sh start)"):
#   scripts/echo-room.sh up DIR [--delay-ms N] [--gain G]   # builds the room; DIR holds its state
#   scripts/echo-room.sh down DIR                           # removes it (by the PIDs in DIR)
#
# Nodes (node.name):
#   echo-room-speakers    Audio/Sink, device.form-factor = speaker, the default sink (priority 2000)
#   echo-room-microphone  Audio/Source, device.form-factor = internal, the default source
#   echo-room-near        Audio/Sink: the air at the microphone; play the user's voice here
#                         (pw-cat --target echo-room-near); the microphone captures what it gets
# The acoustic path is a filter-chain (builtin delay, then a gain) from the speakers into the
# air at the microphone, linked by pw-link; a second filter-chain (a copy) turns the air into the
# microphone source. Both are sample-exact: a fixed delay and gain, like a linear room. (A pw-loopback for the
# path was tried first: its adaptive resampler moves the delay by a few samples whenever another
# stream joins the speakers, which no canceller can follow and no real room does.)
# Everything runs in one standalone `pipewire -c` client process (its nodes and links vanish with
# it). Defaults: 40 ms, gain 0.5 (-6 dB: a laptop's speakers next to its
# microphones).
set -euo pipefail

log() { echo "[echo-room] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
command=$1 dir=$2
shift 2
delay_ms=40 gain=0.5
while [ $# -gt 0 ]; do
    case "$1" in
        --delay-ms) delay_ms=${2:-}; shift 2 ;;
        --gain) gain=${2:-}; shift 2 ;;
        *) usage ;;
    esac
done
[[ $delay_ms =~ ^[0-9]+$ ]] || die "--delay-ms needs whole milliseconds, got '$delay_ms'"
[[ $gain =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--gain needs a number, got '$gain'"

wait_for_port() {  # wait_for_port PORT: until pw-link lists it
    local i
    for ((i = 0; i < 100; i++)); do
        if pw-link -i 2>/dev/null | grep -qxF "$1" || pw-link -o 2>/dev/null | grep -qxF "$1"; then return 0; fi
        sleep 0.05
    done
    die "port $1 did not appear"
}

case "$command" in
up)
    mkdir -p "$dir"
    [ ! -f "$dir/room.pid" ] || die "a room already runs from $dir (scripts/echo-room.sh down $dir)"
    delay_s=$(awk -v d="$delay_ms" 'BEGIN { printf "%.4f", d / 1000 }')
    cat > "$dir/room.conf" <<CONF
context.properties = { log.level = 2 }
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.*       = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-rt flags = [ ifexists nofail ] }
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-filter-chain
      args = {
        node.description = "Echo room: speakers to microphone"
        media.name = "Echo room acoustic path"
        audio.rate = 48000
        audio.channels = 1
        audio.position = [ MONO ]
        filter.graph = {
          nodes = [
            { type = builtin name = delay label = delay config = { "max-delay" = 2.0 } control = { "Delay (s)" = $delay_s } }
            { type = builtin name = gain label = mixer control = { "Gain 1" = $gain } }
          ]
          links = [ { output = "delay:Out" input = "gain:In 1" } ]
        }
        capture.props = {
          node.name = "echo-room-speakers" node.description = "Echo room speakers"
          media.class = "Audio/Sink" device.form-factor = "speaker" priority.session = 2000
        }
        playback.props = { node.name = "echo-room-path" node.autoconnect = false node.passive = true }
      }
    }
    { name = libpipewire-module-filter-chain
      args = {
        node.description = "Echo room: the air at the microphone"
        media.name = "Echo room microphone"
        audio.rate = 48000
        audio.channels = 1
        audio.position = [ MONO ]
        filter.graph = { nodes = [ { type = builtin name = air label = copy } ] }
        capture.props = {
          node.name = "echo-room-near" node.description = "Echo room: the user speaking"
          media.class = "Audio/Sink" priority.session = 1
        }
        playback.props = {
          node.name = "echo-room-microphone" node.description = "Echo room microphone"
          media.class = "Audio/Source" device.form-factor = "internal" priority.session = 2000
        }
      }
    }
]
CONF
    pipewire -c "$dir/room.conf" > "$dir/room.log" 2>&1 < /dev/null &
    echo $! > "$dir/room.pid"
    wait_for_port echo-room-path:output_MONO
    wait_for_port echo-room-near:playback_MONO
    pw-link echo-room-path:output_MONO echo-room-near:playback_MONO
    log "room up (pid $(cat "$dir/room.pid")): speakers -> ${delay_ms} ms, gain $gain -> microphone; near end -> microphone"
    ;;
down)
    [ -f "$dir/room.pid" ] || exit 0
    pid=$(tr -dc 0-9 < "$dir/room.pid")
    rm -f "$dir/room.pid"
    # Only our pipewire: its command line names this directory's room.conf.
    if [ -n "$pid" ] && grep -qzF "$dir/room.conf" "/proc/$pid/cmdline" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    log "room down"
    ;;
*) usage ;;
esac
