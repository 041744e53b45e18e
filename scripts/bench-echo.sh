#!/usr/bin/env bash
# bench-echo.sh — echo cancellation measured in the virtual room, with cancellation on and off.
#
# Usage:
#   scripts/bench-echo.sh [--out FILE] [--seconds N] [--release] [--skip-build]
#
# Options:
#   --out FILE       write the figures as JSON to FILE (default <build dir>/bench-echo/echo.json);
#                    keys on.erle_db, on.self_interruptions, on.near_end_delta_db, the same under
#                    off, and more (erle_after_1s_db, turns, self_triggered_turns, levels)
#   --seconds N      how long nobody speaks after the one sentence, watching for the model's voice
#                    coming back (default 20)
#   --release        use release builds (default: debug, as scripts/test.sh builds)
#   --skip-build     use the binaries already built
#   --scratch-path D SwiftPM build directory (default .build; also GEMINI_LIVE_SCRATCH_PATH)
#
# What runs: scripts/test-desktop.sh start (private bus + PipeWire + WirePlumber),
# scripts/echo-room.sh up (speakers -> 40 ms, gain 0.5 -> microphone; a near-end sink), the
# simulator with its echo voice (the model repeats what it heard: the perfect adversary, as its
# own voice coming back through the room is "heard" and repeated again), the gateway, then
# scripts/bench/drive_echo.py, which for echo_cancel = on and off measures:
#   erle_db             echo removed from the far-end voice, dB (what the session captures vs the
#                       raw microphone), including the canceller's first moments
#   self_interruptions  Interrupted signals with nobody speaking after one sentence
#   self_triggered_turns turns the model's own voice started
#   near_end_delta_db   the near-end voice's level in double talk minus alone, dB
# Targets (docs/echo-cancellation.md): ERLE >= 30 dB, 0 self-interruptions with cancellation on,
# near end within 3 dB. Nothing is asserted: the figures are printed; the script fails only when
# the pipeline breaks. No API key; loopback only; every process is stopped by its PID.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=20 build=1 config=debug out=
scratch=${GEMINI_LIVE_SCRATCH_PATH:-}

log() { echo "[bench-echo] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:-}; shift 2 ;;
        --seconds) seconds=${2:-}; shift 2 ;;
        --release) config=release; shift ;;
        --skip-build) build=0; shift ;;
        --scratch-path) scratch=${2:-}; shift 2 ;;
        -h|--help) usage ;;
        *) log "unknown option $1"; usage ;;
    esac
done
[[ $seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--seconds needs a number, got '$seconds'"

swiftpm=(-c "$config")
[ -n "$scratch" ] && swiftpm+=(--scratch-path "$scratch")
out=${out:-${scratch:-$root/.build}/bench-echo/echo.json}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-echo.XXXXXX")
ca="$root/Tests/Fixtures/tls/ca.pem"
cert="$root/Tests/Fixtures/tls/server.pem"
key="$root/Tests/Fixtures/tls/server.key"
if [ -n "${XDG_CONFIG_HOME+x}" ]; then user_env=(env "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"); else user_env=(env -u XDG_CONFIG_HOME); fi

simulator_pid='' gateway_pid='' desktop_dir=''
# shellcheck source=lib/stop-pid.sh
. "$root/scripts/lib/stop-pid.sh"
cleanup() {
    stop_pid "$gateway_pid" gemini-live-gateway
    gateway_pid=
    stop_pid "$simulator_pid" gemini-live-simulator
    simulator_pid=
    [ -n "$desktop_dir" ] && "$root/scripts/echo-room.sh" down "$run_dir/room" || true
    if [ -n "$desktop_dir" ]; then
        "$root/scripts/test-desktop.sh" stop "$desktop_dir" || true
        desktop_dir=
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
for tool in swift pw-cat pw-record pw-link pipewire espeak-ng sox dbus-monitor; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool (scripts/install-deps.sh installs it)"
done
dbus_python=/usr/bin/python3
"$dbus_python" -P -c 'import dbus' 2>/dev/null || die "python3-dbus is missing for $dbus_python (scripts/install-deps.sh)"

if [ "$build" = 1 ]; then
    log "swift build ${swiftpm[*]} (gemini-live-simulator, gemini-live-gateway)"
    "${user_env[@]}" swift build "${swiftpm[@]}" --product gemini-live-simulator >&2
    "${user_env[@]}" swift build "${swiftpm[@]}" --product gemini-live-gateway >&2
fi
bin=$("${user_env[@]}" swift build "${swiftpm[@]}" --show-bin-path)
for b in gemini-live-simulator gemini-live-gateway; do
    [ -x "$bin/$b" ] || die "no $b in $bin (run without --skip-build)"
done

# ---------------------------------------------------------------- the voices
near="$run_dir/near.wav" far="$run_dir/far.wav"
espeak-ng -w "$run_dir/near-raw.wav" "Hello, can you tell me what the weather will be like tomorrow?"
sox "$run_dir/near-raw.wav" -r 48000 -c 1 "$near" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
espeak-ng -s 150 -w "$run_dir/far-raw.wav" "This is the far end speaking through the loudspeakers. \
The quick brown fox jumps over the lazy dog, and the canceller must remove every word of it from the microphone."
sox "$run_dir/far-raw.wav" -r 48000 -c 1 "$far" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
near_seconds=$(soxi -D "$near") far_seconds=$(soxi -D "$far")

# ---------------------------------------------------------------- desktop, room, simulator, gateway
env_lines=$(TEST_DESKTOP_INSTALL=${TEST_DESKTOP_INSTALL:-0} "$root/scripts/test-desktop.sh" start) ||
    die "scripts/test-desktop.sh start failed"
eval "$env_lines"
desktop_dir=$TEST_DESKTOP_DIR
"$root/scripts/echo-room.sh" up "$run_dir/room"

"$bin/gemini-live-simulator" --host 127.0.0.1 --port 0 --tls-cert "$cert" --tls-key "$key" --voice echo \
    --log-level warning > "$run_dir/simulator.out" 2> "$run_dir/simulator.log" < /dev/null &
simulator_pid=$!
url=
for ((i = 0; i < 300; i++)); do
    url=$(grep -m 1 -oE "wss://[^[:space:]]+" "$run_dir/simulator.out" 2>/dev/null || true)
    [ -n "$url" ] && break
    kill -0 "$simulator_pid" 2>/dev/null || die "simulator exited: $(tail -n 5 "$run_dir/simulator.log")"
    sleep 0.1
done
[ -n "$url" ] || die "the simulator printed no wss:// address within 30 s"
url=${url/:\/\/127.0.0.1:/://localhost:}
env -u GEMINI_API_KEY "$bin/gemini-live-gateway" --endpoint "$url" --ca-file "$ca" --log-level info \
    --exit-when-idle 0 > "$run_dir/gateway.out" 2> "$run_dir/gateway.log" < /dev/null &
gateway_pid=$!
has_owner() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:io.github.geminilive.Gateway1 2>/dev/null | grep -q 'boolean true'
}
for ((i = 0; i < 300; i++)); do
    has_owner && break
    kill -0 "$gateway_pid" 2>/dev/null || die "gateway exited: $(tail -n 5 "$run_dir/gateway.log")"
    sleep 0.1
done
has_owner || die "the gateway did not take its bus name within 30 s"
log "room, simulator ($url, echo voice) and gateway up; measuring (results in $run_dir)"

timeout $(awk -v s="$seconds" 'BEGIN { printf "%d", 2 * s + 240 }') "$dbus_python" -P "$root/scripts/bench/drive_echo.py" \
    --near "$near" --near-seconds "$near_seconds" --far "$far" --far-seconds "$far_seconds" \
    --seconds "$seconds" --record-dir "$run_dir" --out "$out" || die "the driver failed (logs in $run_dir)"
kill -0 "$gateway_pid" 2>/dev/null || die "the gateway died during the run: $(tail -n 5 "$run_dir/gateway.log")"

"$dbus_python" -P - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rows = [("ERLE, dB (target >= 30)", "erle_db"), ("ERLE after the first second, dB", "erle_after_1s_db"),
        ("self-interruptions (target 0 when on)", "self_interruptions"),
        ("turns triggered by the model's own voice", "self_triggered_turns"), ("turns", "turns"),
        ("near end in double talk vs alone, dB (target within 3)", "near_end_delta_db")]
print(f"{'echo cancellation':<58}{'on':>10}{'off':>10}")
for label, key in rows:
    print(f"{label:<58}{str(r['on'].get(key)):>10}{str(r['off'].get(key)):>10}")
print(f"on:  {r['on'].get('reason')}")
print(f"off: {r['off'].get('reason')}")
PY
log "JSON: $out"
