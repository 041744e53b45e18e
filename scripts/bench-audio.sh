#!/usr/bin/env bash
# bench-audio.sh — release-build benchmark of gateway sessions streaming audio through a real
# PipeWire, beside the official Python SDK (google-genai) doing the same, in one run.
#
# Usage:
#   scripts/bench-audio.sh [--sessions N] [--seconds S] [--chunk-ms MS] [options]
#
# Options:
#   --sessions N     concurrent sessions on each side (default 10)
#   --seconds S      steady-state window measured, in seconds (default 25)
#   --chunk-ms MS    uplink chunk: gateway audio_chunk_ms and the SDK's chunk (default 100)
#   --speed X        simulator pacing of the model's voice, x real time (default 1.5)
#   --warmup W       seconds after the last session started speaking before measuring (default 2)
#   --stagger T      session i starts speaking i x T/N s after the first (default 5: one turn)
#   --no-peer        gateway only (no python-genai side)
#   --peer KIND      the Python side: genai (default: python-genai streaming the WAV itself, each
#                    gateway session fed by its own pw-cat) or pyaudio (python-genai + PyAudio shaped
#                    like Google's Live API starter: capture the default microphone, play the voice on
#                    the default speakers, through pipewire-alsa; the gateway's sessions then use
#                    audio_input on that same test microphone and play_voice)
#   --matrix         run the matrix instead of one run: 20 and 100 ms chunks x N = 1, 10, 25 with the
#                    genai peer, and N = 1, 10 with the pyaudio peer (each run as above, one results
#                    file each, and a summary table); long: run it once, on a quiet machine
#   --plain-ws       the simulator serves ws:// on loopback, no TLS (only with --no-peer: the SDK
#                    always dials wss://); shows what TLS costs the gateway
#   --skip-build     use the release binaries already built
#   --out DIR        results directory (default: $GEMINI_LIVE_ARTIFACTS, else <build dir>/bench-audio)
#   --scratch-path D SwiftPM build directory (default .build; also GEMINI_LIVE_SCRATCH_PATH)
#
# What runs: scripts/test-desktop.sh start (private bus + PipeWire + WirePlumber), release
# builds of gemini-live-simulator and gemini-live-gateway, the simulator on 127.0.0.1 over TLS
# (wss://localhost:PORT, the test certificate in Tests/Fixtures/tls; both sides dial it the
# same way) with
# --voice echo --speed X, and the gateway with --endpoint wss://… --ca-file <test CA>. Then
#   1. scripts/bench/drive_gateway.py (python3 + python3-dbus): N detached sessions; for each,
#      pw-cat --target gemini-live-<id>-input plays the speech WAV and pw-record records
#      gemini-live-<id>-voice; CPU and RSS of the gateway and PipeWire from /proc, each
#      session's AudioLatency, Underruns and audio counters, and Interrupt-to-silence.
#   2. The gateway is stopped; scripts/bench/drive_genai.py (the interop venv's python,
#      scripts/interop-venv.sh): N google-genai sessions in ONE Python process stream the same
#      WAV in real time against the same simulator; its CPU and RSS the same way.
#   3. scripts/bench/report.py prints the table and writes results-N<n>-S<s>-<time>.{txt,json}.
# The speech WAV: espeak-ng sentences (16 kHz S16LE mono via sox), each followed by 3.5 s of
# silence, so the simulator's VAD ends every turn and its echo voice plays back before the next.
# With --peer pyaudio the test microphone is a pw-loopback pair (sink bench-mic-in → source
# bench-mic) that one pw-cat feeds with the WAV, made the default source; the default sink is a
# null sink (bench-speakers). CPU by thread role of the gateway (PipeWire data and loop threads,
# NIO event loops, the pool and the rest) is read from /proc/PID/task/*/stat and comm.
#
# Nothing is asserted: the figures depend on the machine and its load. The script fails only
# when the pipeline itself breaks (a build, a daemon, a driver). No API key is used anywhere
# (the simulator accepts any); all traffic stays on loopback. Every process this script starts
# is stopped by its PID, and the desktop by its directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sessions=10 seconds=25 chunk_ms=100 speed=1.5 warmup=2 stagger=5 peer=1 build=1 tls=1 peer_kind=genai matrix=0
all_arguments=("$@")
scratch=${GEMINI_LIVE_SCRATCH_PATH:-}
out=

log() { echo "[bench-audio] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
number() { [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$1 needs a number, got '$2'"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --sessions) sessions=${2:-}; shift 2 ;;
        --seconds) seconds=${2:-}; shift 2 ;;
        --chunk-ms) chunk_ms=${2:-}; shift 2 ;;
        --speed) speed=${2:-}; shift 2 ;;
        --warmup) warmup=${2:-}; shift 2 ;;
        --stagger) stagger=${2:-}; shift 2 ;;
        --no-peer) peer=0; shift ;;
        --peer) peer_kind=${2:-}; shift 2 ;;
        --matrix) matrix=1; shift ;;
        --plain-ws) tls=0; shift ;;
        --skip-build) build=0; shift ;;
        --out) out=${2:-}; shift 2 ;;
        --scratch-path) scratch=${2:-}; shift 2 ;;
        -h|--help) usage ;;
        *) log "unknown argument: $1"; usage ;;
    esac
done
if ! [[ $sessions =~ ^[0-9]+$ ]] || [ "$sessions" -lt 1 ]; then die "--sessions must be a positive integer"; fi
if ! [[ $chunk_ms =~ ^[0-9]+$ ]] || [ "$chunk_ms" -lt 20 ] || [ "$chunk_ms" -gt 1000 ]; then
    die "--chunk-ms must be 20 … 1000"
fi
[ "$tls" = 1 ] || [ "$peer" = 0 ] || die "--plain-ws needs --no-peer (google-genai always dials wss://)"
case "$peer_kind" in genai|pyaudio) ;; *) die "--peer must be genai or pyaudio, got '$peer_kind'" ;; esac

if [ "$matrix" = 1 ]; then
    # The matrix: this script once per cell (the first builds, the others reuse the binaries).
    rest=()
    skip_next=0
    for a in "${all_arguments[@]}"; do
        if [ "$skip_next" = 1 ]; then skip_next=0; continue; fi
        case "$a" in
            --matrix) ;;
            --sessions|--chunk-ms|--peer) skip_next=1 ;;
            *) rest+=("$a") ;;
        esac
    done
    first=1
    for chunk in 20 100; do
        for cell in genai:1 genai:10 genai:25 pyaudio:1 pyaudio:10; do
            extra=()
            [ "$first" = 1 ] || extra=(--skip-build)
            log "matrix: ${chunk} ms chunks, N = ${cell#*:}, peer ${cell%%:*}"
            "$0" "${rest[@]}" "${extra[@]}" --chunk-ms "$chunk" --sessions "${cell#*:}" --peer "${cell%%:*}" ||
                die "matrix cell ${chunk} ms / ${cell} failed"
            first=0
        done
    done
    out_dir=${GEMINI_LIVE_ARTIFACTS:-${scratch:-$root/.build}/bench-audio}
    for a in "${!rest[@]}"; do [ "${rest[$a]}" = --out ] && out_dir=${rest[$((a + 1))]}; done
    python3 "$root/scripts/bench/report.py" --matrix "$out_dir"
    exit 0
fi
number --seconds "$seconds"; number --speed "$speed"; number --warmup "$warmup"; number --stagger "$stagger"

swiftpm=()
[ -n "$scratch" ] && swiftpm=(--scratch-path "$scratch")
out=${out:-${GEMINI_LIVE_ARTIFACTS:-${scratch:-$root/.build}/bench-audio}}
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$(date +%Y%m%d-%H%M%S)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_dir="$out/run-N$sessions-$stamp"
mkdir -p "$run_dir"
ca="$root/Tests/Fixtures/tls/ca.pem"
cert="$root/Tests/Fixtures/tls/server.pem"
key="$root/Tests/Fixtures/tls/server.key"

# SwiftPM keeps its configuration under XDG_CONFIG_HOME, which the desktop redirects: swift runs
# with the caller's value (as in scripts/test.sh).
if [ -n "${XDG_CONFIG_HOME+x}" ]; then user_env=(env "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"); else user_env=(env -u XDG_CONFIG_HOME); fi

# ---------------------------------------------------------------- cleanup of what we started
simulator_pid='' gateway_pid='' desktop_dir=''
# shellcheck source=lib/stop-pid.sh
. "$root/scripts/lib/stop-pid.sh"
cleanup() {
    stop_pid "${feeder_pid:-}" pw-cat
    stop_pid "${loopback_pid:-}" pw-loopback
    stop_pid "$gateway_pid" gemini-live-gateway
    gateway_pid=
    stop_pid "$simulator_pid" gemini-live-simulator
    simulator_pid=
    if [ -n "$desktop_dir" ]; then
        "$root/scripts/test-desktop.sh" stop "$desktop_dir" || true
        desktop_dir=
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools and builds
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
for tool in swift python3 pw-cat pw-record espeak-ng sox dbus-send; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool (scripts/install-deps.sh installs it)"
done
if [ "$peer_kind" = pyaudio ]; then
    for package in pipewire-alsa python3-pyaudio; do
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" = installed ] ||
            die "--peer pyaudio needs $package (scripts/install-deps.sh --bench)"
    done
fi
# python3-dbus lives in Debian's own python (/usr/bin/python3), which a pyenv or venv python3
# first on PATH does not see (as in examples/). -P: the repository's dbus/ folder is no module.
dbus_python=/usr/bin/python3
"$dbus_python" -P -c 'import dbus' 2>/dev/null || die "python3-dbus is missing for $dbus_python (scripts/install-deps.sh)"

if [ "$build" = 1 ]; then
    log "release build (swift build -c release: gemini-live-simulator, gemini-live-gateway)"
    "${user_env[@]}" swift build "${swiftpm[@]}" -c release --product gemini-live-simulator >&2
    "${user_env[@]}" swift build "${swiftpm[@]}" -c release --product gemini-live-gateway >&2
fi
bin=$("${user_env[@]}" swift build "${swiftpm[@]}" -c release --show-bin-path)
for b in gemini-live-simulator gemini-live-gateway; do
    [ -x "$bin/$b" ] || die "no release $b in $bin (run without --skip-build)"
done
genai_python=
if [ "$peer" = 1 ]; then
    genai_python=$("$root/scripts/interop-venv.sh") || die "scripts/interop-venv.sh failed"
fi

# ---------------------------------------------------------------- the speech
# Long enough for connecting, the stagger, the warm-up, the window and the Interrupt phase.
wav="$run_dir/speech.wav"
make_speech() {
    local need=$1 dir="$run_dir/speech" i=0 total=0 piece len
    local -a sentences=(
        "Hello there, can you hear me clearly?"
        "The quick brown fox jumps over the lazy dog."
        "Please tell me the weather in Paris today."
        "I would like to book a table for two."
        "What time does the next train leave?"
        "Read me the latest news about science."
    )
    local -a pieces=()
    mkdir -p "$dir"
    for ((i = 0; i < ${#sentences[@]}; i++)); do
        espeak-ng -w "$dir/raw-$i.wav" "${sentences[$i]}"
        # 16 kHz S16LE mono, leading and trailing silence trimmed, then 3.5 s of digital silence.
        sox "$dir/raw-$i.wav" -r 16000 -c 1 -b 16 -e signed-integer "$dir/s-$i.wav" \
            silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 3.5
    done
    i=0
    while awk -v t="$total" -v n="$need" 'BEGIN { exit !(t < n) }'; do
        piece="$dir/s-$((i % ${#sentences[@]})).wav"
        pieces+=("$piece")
        len=$(soxi -D "$piece")
        total=$(awk -v t="$total" -v l="$len" 'BEGIN { print t + l }')
        i=$((i + 1))
    done
    sox "${pieces[@]}" "$wav"
    log "speech: $wav, $(soxi -D "$wav") s (${#sentences[@]} sentences, each + 3.5 s of silence)"
}
make_speech "$(awk -v s="$seconds" -v w="$warmup" -v t="$stagger" 'BEGIN { print s + w + t + 40 }')"

# ---------------------------------------------------------------- desktop, simulator, gateway
env_lines=$("$root/scripts/test-desktop.sh" start) || die "scripts/test-desktop.sh start failed"
eval "$env_lines"
desktop_dir=$TEST_DESKTOP_DIR
pipewire_pid=$(tr -dc 0-9 < "$desktop_dir/pipewire.pid")
wireplumber_pid=$(tr -dc 0-9 < "$desktop_dir/wireplumber.pid" 2>/dev/null || true)

# --peer pyaudio: a test microphone (a loopback: what plays into bench-mic-in comes out of the source
# bench-mic) and null speakers, made the defaults that pipewire-alsa (PyAudio) and play_voice use.
loopback_pid='' feeder_pid=''
stop_microphone() {
    stop_pid "$feeder_pid" pw-cat
    feeder_pid=
}
feed_microphone() {  # plays the WAV into the test microphone, from its start
    stop_microphone
    pw-cat --playback --target bench-mic-in "$wav" > /dev/null 2>&1 < /dev/null &
    feeder_pid=$!
}
if [ "$peer_kind" = pyaudio ]; then
    pw-loopback --capture-props='media.class=Audio/Sink node.name=bench-mic-in audio.channels=1 audio.position=[MONO]' \
        --playback-props='media.class=Audio/Source node.name=bench-mic node.description=bench-mic audio.channels=1 audio.position=[MONO]' \
        > "$run_dir/loopback.log" 2>&1 < /dev/null &
    loopback_pid=$!
    pw-cli create-node adapter '{ factory.name=support.null-audio-sink node.name=bench-speakers media.class=Audio/Sink object.linger=true audio.channels=1 audio.position=[MONO] }' \
        > /dev/null || die "cannot create the null speakers"
    for ((i = 0; i < 100; i++)); do
        pw-cli ls Node 2>/dev/null | grep -q 'node.name = "bench-mic"' && break
        sleep 0.1
    done
    pw-metadata -n default 0 default.configured.audio.source '{ "name": "bench-mic" }' Spa:String:JSON > /dev/null
    pw-metadata -n default 0 default.configured.audio.sink '{ "name": "bench-speakers" }' Spa:String:JSON > /dev/null
    log "test microphone bench-mic (pw-loopback $loopback_pid) and speakers bench-speakers are the defaults"
fi

tls_args=() scheme=ws
[ "$tls" = 1 ] && tls_args=(--tls-cert "$cert" --tls-key "$key") && scheme=wss
"$bin/gemini-live-simulator" --host 127.0.0.1 --port 0 "${tls_args[@]}" \
    --voice echo --speed "$speed" --log-level warning \
    > "$run_dir/simulator.out" 2> "$run_dir/simulator.log" < /dev/null &
simulator_pid=$!
url=
for ((i = 0; i < 300; i++)); do
    url=$(grep -m 1 -oE "$scheme://[^[:space:]]+" "$run_dir/simulator.out" 2>/dev/null || true)
    [ -n "$url" ] && break
    kill -0 "$simulator_pid" 2>/dev/null || die "simulator exited: $(tail -n 5 "$run_dir/simulator.log")"
    sleep 0.1
done
[ -n "$url" ] || die "the simulator printed no $scheme:// address within 30 s"
# The gateway's TLS client refuses an IP literal (NIOSSL: "IP addresses cannot validly be used for
# Server Name Indication"), so both sides dial the name localhost; the test certificate names it.
url=${url/:\/\/127.0.0.1:/://localhost:}
log "simulator $simulator_pid at $url (--voice echo --speed $speed)"

max_per_owner=$((sessions > 16 ? sessions : 16))
ca_args=()
[ "$tls" = 1 ] && ca_args=(--ca-file "$ca")
env -u GEMINI_API_KEY "$bin/gemini-live-gateway" --endpoint "$url" "${ca_args[@]}" --log-level warning \
    --max-sessions-per-owner "$max_per_owner" --exit-when-idle 0 \
    > "$run_dir/gateway.out" 2> "$run_dir/gateway.log" < /dev/null &
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
model=$(dbus-send --session --print-reply --dest=io.github.geminilive.Gateway1 /io/github/geminilive/Gateway1 \
    org.freedesktop.DBus.Properties.Get string:io.github.geminilive.Gateway1 string:DefaultModel |
    grep -oE '"[^"]+"' | tr -d '"')
log "gateway $gateway_pid on $DBUS_SESSION_BUS_ADDRESS (model $model)"
sleep 2   # idle: let it settle before its idle RSS is read

# ---------------------------------------------------------------- 1. the gateway's sessions
meta="$run_dir/meta.json"
quantum=$(pw-metadata -n settings 0 clock.quantum 2>/dev/null | grep -oE "value:'[0-9]+'" | tr -dc 0-9 || true)
[ -n "$quantum" ] && [ "$quantum" != 0 ] || quantum=$(pw-metadata -n settings 0 clock.force-quantum 2>/dev/null |
    grep -oE "value:'[0-9]+'" | tr -dc 0-9 || true)
log "gateway: $sessions session(s), ${seconds} s window, ${chunk_ms} ms chunks"
timeout_s=$(awk -v s="$seconds" -v n="$sessions" 'BEGIN { printf "%d", s + 120 + 2 * n }')
mic_args=()
if [ "$peer_kind" = pyaudio ]; then
    mic_args=(--audio-input bench-mic --play-voice)
    feed_microphone
fi
timeout "$timeout_s" "$dbus_python" -P "$root/scripts/bench/drive_gateway.py" "${mic_args[@]}" \
    --sessions "$sessions" --seconds "$seconds" --warmup "$warmup" --stagger "$stagger" --chunk-ms "$chunk_ms" \
    --wav "$wav" --record-dir "$run_dir" --gateway-pid "$gateway_pid" --pipewire-pid "$pipewire_pid" \
    ${wireplumber_pid:+--wireplumber-pid "$wireplumber_pid"} --out "$run_dir/gateway.json" ||
    die "the gateway driver failed (logs in $run_dir)"
kill -0 "$gateway_pid" 2>/dev/null || die "the gateway died during the run: $(tail -n 5 "$run_dir/gateway.log")"
stop_pid "$gateway_pid" gemini-live-gateway
gateway_pid=
rm -f "$run_dir"/voice-*.wav   # recorded only so that the voice path runs

# ---------------------------------------------------------------- 2. python-genai
if [ "$peer" = 1 ] && [ "$peer_kind" = pyaudio ]; then
    log "python-genai + PyAudio: $sessions session(s) in one process, the same test microphone and speakers"
    feed_microphone
    timeout "$timeout_s" "$genai_python" "$root/scripts/bench/drive_pyaudio.py" \
        --url "$url" --ca "$ca" --model "$model" --sessions "$sessions" --seconds "$seconds" \
        --warmup "$warmup" --stagger "$stagger" --chunk-ms "$chunk_ms" --out "$run_dir/genai.json" ||
        die "the python-genai + PyAudio driver failed (logs in $run_dir)"
    stop_microphone
elif [ "$peer" = 1 ]; then
    log "python-genai: $sessions session(s) in one process, same simulator, same WAV"
    timeout "$timeout_s" "$genai_python" "$root/scripts/bench/drive_genai.py" \
        --url "$url" --ca "$ca" --model "$model" --wav "$wav" --sessions "$sessions" --seconds "$seconds" \
        --warmup "$warmup" --stagger "$stagger" --chunk-ms "$chunk_ms" --out "$run_dir/genai.json" ||
        die "the python-genai driver failed (logs in $run_dir)"
fi

# ---------------------------------------------------------------- 3. the table
python3 - "$meta" <<EOF
import json, os, sys
cpu_model = "?"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
json.dump({"cpus": os.cpu_count(), "cpu_model": cpu_model, "load": "$load_before",
           "quantum_frames_48k": int("${quantum:-0}") or None, "speed": $speed, "transport": "wss://localhost (TLS on 127.0.0.1)" if $tls else "ws://localhost (no TLS)",
           "peer": ("google-genai + PyAudio (starter shape), $sessions session(s) in one Python process, test microphone + null speakers" if "$peer_kind" == "pyaudio" else "google-genai, $sessions session(s) in one Python process") if $peer else "none",
           "peer_kind": "$peer_kind" if $peer else None,
           "sessions": $sessions, "seconds": $seconds, "chunk_ms": $chunk_ms},
          open(sys.argv[1], "w"), indent=1)
EOF
results="$out/results-N$sessions-C$chunk_ms-$peer_kind-S${seconds%.*}-$stamp.txt"
python3 "$root/scripts/bench/report.py" --gateway "$run_dir/gateway.json" \
    ${genai_python:+--genai "$run_dir/genai.json"} --meta "$meta" --out "$results"
log "results: $results (and .json); run files in $run_dir"
