#!/usr/bin/env bash
# run.sh — run gemini-live-gateway on this desktop and show a text turn driven by busctl.
#
# - Builds the daemon (installing the Debian packages it needs first).
# - Uses the desktop's session bus and PipeWire; starts a private bus, or a private PipeWire +
#   WirePlumber, only when the desktop has none.
# - Runs the real Gemini Live service when GEMINI_API_KEY is set (or a key file exists),
#   the embedded offline simulator otherwise.
# - Starts a detached session with `busctl --user call … StartSession`, sends a text turn with
#   `SendText`, then speaks into the session's virtual sink with espeak-ng + pw-cat while pw-record
#   records its virtual microphone, prints the session's signals (transcripts, turn events) and
#   audio counters, then keeps serving until Ctrl-C. With GEMINI_LIVE_RUN_ONCE=1 it stops after
#   the demo (CI uses that).
#
# It ends only the processes it started, by PID.
set -euo pipefail

cd "$(dirname "$0")/.."
log() { echo "[run] $*" >&2; }

scripts/install-deps.sh
log "building gemini-live-gateway"
swift build --product gemini-live-gateway >&2
bin=$(swift build --show-bin-path)/gemini-live-gateway

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gemini-live-run.XXXXXX")
chmod 700 "$tmp"
bus_pid=""
gateway_pid=""
monitor_pid=""
pipewire_pid=""
wireplumber_pid=""
recorder_pid=""
cleanup() {
    set +e
    for pid in "$recorder_pid" "$monitor_pid" "$gateway_pid" "$wireplumber_pid" "$pipewire_pid"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. A session bus: the desktop's, or a private one.
if dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
    /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1; then
    log "using the desktop's session bus"
else
    dbus-daemon --session --fork --nopidfile --address="unix:path=$tmp/bus" --print-pid=1 >"$tmp/bus.pid"
    bus_pid=$(cat "$tmp/bus.pid")
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/bus"
    log "no session bus here: started a private one at $DBUS_SESSION_BUS_ADDRESS (pid $bus_pid)"
fi

# 2. PipeWire: the desktop's, or a private one with WirePlumber (for the session's audio nodes).
if timeout 3 pw-cli info 0 >/dev/null 2>&1; then
    log "using the desktop's PipeWire"
else
    export PIPEWIRE_RUNTIME_DIR="$tmp"
    mkdir -p "$tmp/state"
    pipewire >"$tmp/pipewire.log" 2>&1 </dev/null &
    pipewire_pid=$!
    for _ in $(seq 1 100); do timeout 2 pw-cli info 0 >/dev/null 2>&1 && break; sleep 0.1; done
    XDG_STATE_HOME="$tmp/state" wireplumber >"$tmp/wireplumber.log" 2>&1 </dev/null &
    wireplumber_pid=$!
    for _ in $(seq 1 100); do
        timeout 2 pw-cli ls Metadata 2>/dev/null | grep -q 'metadata.name = "default"' && break
        sleep 0.1
    done
    log "no PipeWire here: started a private one in $tmp (pipewire $pipewire_pid, wireplumber $wireplumber_pid)"
fi

name=io.github.geminilive.Gateway1
manager=/io/github/geminilive/Gateway1
call() { busctl --user call "$name" "$@"; }

# 3. The daemon, unless one already serves the name.
if busctl --user status "$name" >/dev/null 2>&1; then
    log "a gateway already serves $name; using it"
else
    mode=(--simulator)
    keyfile="${XDG_CONFIG_HOME:-$HOME/.config}/gemini-live-gateway/api-key"
    if [ -n "${GEMINI_API_KEY:-}" ] || [ -f "$keyfile" ]; then
        mode=()
        log "an API key is configured: using the real Gemini Live service"
    else
        log "no API key (GEMINI_API_KEY or $keyfile): using the embedded offline simulator"
    fi
    "$bin" "${mode[@]}" --log-level notice 2>"$tmp/gateway.log" &
    gateway_pid=$!
    for _ in $(seq 1 100); do
        busctl --user status "$name" >/dev/null 2>&1 && break
        kill -0 "$gateway_pid" 2>/dev/null || { cat "$tmp/gateway.log" >&2; log "the gateway exited"; exit 1; }
        sleep 0.1
    done
fi
echo "backend: $(busctl --user get-property "$name" "$manager" "$name" Backend)"

# 4. Watch the session's signals, start a session, say something.
if command -v gdbus >/dev/null 2>&1; then
    gdbus monitor --session --dest "$name" >"$tmp/signals.log" 2>&1 &
else
    busctl --user monitor "$name" >"$tmp/signals.log" 2>&1 &
fi
monitor_pid=$!
sleep 0.3
echo "\$ busctl --user call $name $manager $name StartSession a{sv} 1 detached b true"
session=$(call "$manager" "$name" StartSession 'a{sv}' 1 detached b true | awk '{print $2}' | tr -d '"')
echo "session: $session"
text=${GEMINI_LIVE_DEMO_TEXT:-"Hello from busctl! What can you do?"}
echo "\$ busctl --user call $name $session $name.Session SendText s \"$text\""
call "$session" "$name.Session" SendText s "$text"
for _ in $(seq 1 300); do
    turn=$(busctl --user get-property "$name" "$session" "$name.Session" Turn | awk '{print $2}')
    [ "${turn:-0}" -ge 1 ] && break
    sleep 0.1
done
sleep 0.3
echo "turn: $turn, usage: $(busctl --user get-property "$name" "$session" "$name.Session" Usage)"
[ "${turn:-0}" -ge 1 ] || { log "the turn did not complete"; cat "$tmp/gateway.log" >&2; exit 1; }

# 5. Audio: speak into the session's sink, record its microphone.
prop() { busctl --user get-property "$name" "$session" "$name.Session" "$1" | cut -d' ' -f2- | tr -d '"'; }
for _ in $(seq 1 50); do [ "$(prop AudioState)" = active ] && break; sleep 0.1; done
input=$(prop InputNode) voice=$(prop OutputNode)
echo "audio: $(prop AudioState); apps play into $input, record the model's voice from $voice"
if [ "$(prop AudioState)" = active ] && command -v espeak-ng >/dev/null && command -v pw-cat >/dev/null; then
    espeak-ng -w "$tmp/speech.wav" "Hello from PipeWire. Can you hear me?"
    pw-record --target "$voice" --rate 24000 --channels 1 --format s16 "$tmp/voice.wav" &
    recorder_pid=$!
    sleep 0.5
    echo "\$ pw-cat --playback --target $input speech.wav"
    pw-cat --playback --target "$input" "$tmp/speech.wav"
    for _ in $(seq 1 150); do
        [ "$(busctl --user get-property "$name" "$session" "$name.Session" Turn | awk '{print $2}')" -ge 2 ] && break
        sleep 0.1
    done
    sleep 0.5
    kill -INT "$recorder_pid" 2>/dev/null; wait "$recorder_pid" 2>/dev/null || true
    recorder_pid=""
    echo "audio sent: $(prop AudioSentSeconds) s, voice received: $(prop AudioReceivedSeconds) s, played: $(prop AudioPlayedSeconds) s, underruns: $(prop Underruns)"
    echo "recorded from $voice: $(($(stat -c %s "$tmp/voice.wav") / 48000)) s (${tmp}/voice.wav, removed on exit)"
fi

echo "signals:"
grep -E "Transcription|\.Text |TurnComplete|GenerationComplete|Interrupted|ToolCall|Closed" "$tmp/signals.log" | sed 's/^/  /' || true

if [ "${GEMINI_LIVE_RUN_ONCE:-0}" = 1 ]; then
    call "$session" "$name.Session" Close
    exit 0
fi
# A private bus or PipeWire lives only in this script's environment: say how to reach them from
# another terminal (the Try lines below fail there otherwise).
exports=""
[ -n "$bus_pid" ] && exports+="  export DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS'"$'\n'
[ -n "$pipewire_pid" ] && exports+="  export PIPEWIRE_RUNTIME_DIR='$PIPEWIRE_RUNTIME_DIR'"$'\n'
if [ -n "$exports" ]; then
    printf '\nThis terminal runs a private %s. To reach it from a second terminal, paste there first:\n%s' \
        "$([ -n "$bus_pid" ] && echo "session bus")$([ -n "$bus_pid" ] && [ -n "$pipewire_pid" ] && echo " and ")$([ -n "$pipewire_pid" ] && echo "PipeWire")" \
        "$exports"
fi
cat <<TXT

The gateway is serving $name on ${DBUS_SESSION_BUS_ADDRESS:-the session bus}. Try:
  $(dirname "$bin")/gemini-live talk    # speak with the microphone, hear the speakers (after: swift build --product gemini-live)
  busctl --user call $name $session $name.Session SendText s "Tell me a joke"
  busctl --user monitor $name
  busctl --user introspect $name $session
Press Ctrl-C to stop.
TXT
[ -n "$gateway_pid" ] && wait "$gateway_pid"
