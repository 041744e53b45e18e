#!/usr/bin/env bash
# test.sh — the project's test command (the README's, and what .ci/run runs).
#
# Phases, in order; a failed phase is reported and the run goes on where it can:
#   deps      scripts/install-deps.sh (Debian packages; idempotent)
#   build     swift build --build-tests
#   desktop   scripts/test-desktop.sh start: a private session bus + PipeWire + WirePlumber,
#             so no test can reach the user's real desktop
#   swift     swift test (all Swift tests) in six runs: the light targets together, each daemon-
#             starting target alone, then the real-time audio suite; GEMINI_LIVE_FRAMES_OUT collects every client frame
#             our LiveClient sent, as JSON lines
#   tsan      the lock-free audio rings' tests under ThreadSanitizer: Tests/Sanitized, a package of
#             four symlinked files (swift test --package-path Tests/Sanitized --sanitize=thread), so
#             the sanitized build compiles those files only
#   interop   the official Python SDK (google-genai, pinned) against our simulator over TLS:
#             Tests/interop/sdk_turns.py; the same SDK and raw WebSockets through the gateway's
#             local Live endpoint to the simulator, on the private desktop's bus:
#             Tests/interop/endpoint_turns.py; then Tests/interop/validate_frames.py on the frames
#   run       the README's run command once (GEMINI_LIVE_RUN_ONCE=1 scripts/run.sh) on the
#             private bus, with no API key: the gateway with its offline simulator
#   bench     swift build -c release --product live-benchmark, run briefly (figures printed,
#             never asserted)
#   echo      scripts/bench-echo.sh --seconds 8: echo cancellation in the virtual room, on and
#             off (ERLE, self-interruptions, near end in double talk; printed, never asserted:
#             the phase fails only when the script cannot run)
# Then a summary; the exit status is non-zero when any phase failed.
#
# Knobs for developers (ignored when CI=true: CI runs everything):
#   GEMINI_LIVE_SKIP_DEPS=1  GEMINI_LIVE_SKIP_DESKTOP=1  GEMINI_LIVE_SKIP_INTEROP=1  GEMINI_LIVE_SKIP_BENCH=1
#   GEMINI_LIVE_SKIP_TSAN=1  GEMINI_LIVE_SKIP_ECHO=1
# Other knobs:
#   GEMINI_LIVE_SWIFT_TEST_ARGS="--filter LiveClientTests"   extra `swift test` arguments
#   GEMINI_LIVE_BENCH_ARGS="--duration 0.5 --runs 1"         live-benchmark arguments
#   GEMINI_LIVE_SWIFT_TEST_TIMEOUT=600                       seconds before a hung `swift test` is stopped
#   GEMINI_LIVE_SCRATCH_PATH=DIR  SwiftPM build directory (default: SwiftPM's .build); a
#                               separate one lets a test run proceed while another build holds .build
#   GEMINI_LIVE_ARTIFACTS=DIR   where logs and frames go (default <build dir>/test-artifacts)
#
# Every process this script starts in the background is stopped by its PID (never by name);
# all network traffic stays on loopback.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

ci=${CI:-false}
scratch=${GEMINI_LIVE_SCRATCH_PATH:-}
swiftpm=()
[ -n "$scratch" ] && swiftpm=(--scratch-path "$scratch")
artifacts=${GEMINI_LIVE_ARTIFACTS:-${scratch:-$root/.build}/test-artifacts}
bench_args=${GEMINI_LIVE_BENCH_ARGS:---duration 0.5 --runs 1 --warmup 0.1}
swift_test_timeout=${GEMINI_LIVE_SWIFT_TEST_TIMEOUT:-600}   # seconds; a healthy run takes about a minute
interop_timeout=${GEMINI_LIVE_INTEROP_TIMEOUT:-300}
ca="$root/Tests/Fixtures/tls/ca.pem"
cert="$root/Tests/Fixtures/tls/server.pem"
key="$root/Tests/Fixtures/tls/server.key"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
log() { echo "[test] $*" >&2; }

skip_knob() {  # skip_knob NAME: true when the developer asked to skip (never under CI)
    local value=${!1:-0}
    if [ "$value" = 1 ]; then
        if [ "$ci" = true ]; then
            log "CI=true: ignoring $1=1"
            return 1
        fi
        return 0
    fi
    return 1
}

# The test desktop points XDG_CONFIG_HOME into its temporary directory (so PipeWire, WirePlumber
# and espeak-ng leave ~/.config alone). SwiftPM keeps its own configuration (mirrors, caches)
# under XDG_CONFIG_HOME, so swift commands run with the caller's value instead.
if [ -n "${XDG_CONFIG_HOME+x}" ]; then
    user_env=(env "XDG_CONFIG_HOME=$XDG_CONFIG_HOME")
else
    user_env=(env -u XDG_CONFIG_HOME)
fi
desktop_vars=(TEST_DESKTOP_DIR XDG_RUNTIME_DIR XDG_STATE_HOME XDG_CONFIG_HOME DBUS_SESSION_BUS_ADDRESS
              TEST_DESKTOP_WIREPLUMBER PIPEWIRE_REMOTE PIPEWIRE_RUNTIME_DIR PULSE_SERVER)
declare -A saved_env=()
for v in "${desktop_vars[@]}"; do
    if [ -n "${!v+x}" ]; then saved_env[$v]=${!v}; fi
done
restore_env() {  # undo the desktop's exports once it is stopped
    local v
    for v in "${desktop_vars[@]}"; do
        if [ -n "${saved_env[$v]+x}" ]; then export "$v=${saved_env[$v]}"; else unset "$v"; fi
    done
}

# ---------------------------------------------------------------- bookkeeping
phases=()
declare -A result=() seconds=() note=()
record() {  # record PHASE PASS|FAIL|SKIP SECONDS [NOTE]
    phases+=("$1")
    result[$1]=$2
    seconds[$1]=$3
    note[$1]=${4:-}
}
run_phase() {  # run_phase NAME FUNCTION: runs it, records its outcome and duration
    local name=$1 fn=$2 t0=$SECONDS rc=0
    say "$name"
    "$fn" || rc=$?
    if [ "$rc" -eq 0 ]; then
        record "$name" PASS $((SECONDS - t0)) "${phase_note:-}"
    else
        record "$name" FAIL $((SECONDS - t0)) "${phase_note:-exit $rc}"
    fi
    phase_note=
    return 0
}
phase_note=

# ---------------------------------------------------------------- cleanup of what we started
simulator_pid=
desktop_dir=
# shellcheck source=lib/stop-pid.sh
. "$root/scripts/lib/stop-pid.sh"
# descendants PID: every live descendant of PID, deepest first (from /proc, so no procps needed).
descendants() {
    local child
    # shellcheck disable=SC2013  # the files hold space-separated PIDs
    for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        descendants "$child"
        echo "$child"
    done
}
# with_timeout SECONDS COMMAND…: runs COMMAND; past SECONDS, stops it and all its descendants
# by PID (TERM, 5 s, KILL) and returns 124. coreutils' timeout signals only its own process
# group, and swift test runs the test binary in a group of its own.
with_timeout() {
    local secs=$1 pid ticks=0 tree
    shift
    "$@" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$ticks" -ge $((secs * 10)) ]; then
            tree="$(descendants "$pid" | tr '\n' ' ')$pid"
            log "timed out after ${secs}s: stopping $* (PIDs $tree)"
            # shellcheck disable=SC2086  # a list of PIDs
            kill -TERM $tree 2>/dev/null || true
            sleep 5
            # shellcheck disable=SC2086
            kill -KILL $tree 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            return 124
        fi
        sleep 0.1
        ticks=$((ticks + 1))
    done
    wait "$pid"
}
cleanup() {
    stop_pid "$simulator_pid" gemini-live-simulator
    simulator_pid=
    if [ -n "$desktop_dir" ]; then
        "$root/scripts/test-desktop.sh" stop "$desktop_dir" || true
        desktop_dir=
        restore_env
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- toolchain
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { log "swift not found (install Swift 6.x, e.g. at /opt/swift)"; exit 1; }

rm -rf "$artifacts"
mkdir -p "$artifacts"
frames="$artifacts/client-frames.jsonl"
start_time=$SECONDS

# ---------------------------------------------------------------- phases
phase_deps() { "$root/scripts/install-deps.sh"; }

phase_build() {
    swift --version 2>&1 | head -n 1 >&2
    swift build "${swiftpm[@]}" --build-tests
}

phase_desktop() {
    local env_lines
    env_lines=$("$root/scripts/test-desktop.sh" start) || return 1
    eval "$env_lines"
    desktop_dir=$TEST_DESKTOP_DIR
    phase_note="bus + PipeWire$([ "${TEST_DESKTOP_WIREPLUMBER:-1}" = 1 ] && echo ' + WirePlumber')"
}

# The Swift test targets, in groups: one `swift test` per group (one package plan, one test process,
# its tests in parallel). The light targets share a run; the targets that start real daemons
# (simulator connections with scripted timings, dbus-daemons and gateways, PipeWire) run one at a
# time: all in one process, they load the two cores so much that the protocol timings the tests
# script stretch past their limits (measured: 24 failures in one shared run, none apart).
# ContinuityMeasurement only prints numbers and is off unless GEMINI_LIVE_MEASURE=1.
swift_groups=("LiveProtocolTests|GatewaySettingsTests|SessionMachineTests|DBusServiceTests|GeminiLiveCLITests"
              LiveSimulatorTests LocalEndpointTests LiveClientTests GatewayTests AudioNodesTests)
# Suites that stream real-time audio through PipeWire run on their own, after every other suite:
# PipeWire has no realtime priority here, and suites running beside them cause xruns.
# The video suites (a video source, JPEG encoding in a debug build, the portal) run on their own
# too: beside GatewayTests' scripted protocol timings they stretch them past their limits.
realtime_suites=(GatewayTests.AudioSessionTests GatewayTests.EchoRoomTests GatewayTests.VideoShareTests
                 GatewayTests.SendImageTests GeminiLiveCLITests.ShareTests)

# Tests of single-suite runs that ended without swift-testing's summary after their suite passed.
tests_without_summary=0

swift_test_count() {  # the Swift tests run, summed over every `swift test` run of the logs (TSan's too)
    local n total=$tests_without_summary
    for n in $(grep -ahoE 'Test run with [0-9]+ tests?' "$artifacts/swift-test.log" "$artifacts/tsan.log" 2>/dev/null | grep -oE '[0-9]+'); do
        total=$((total + n))
    done
    echo "$total"
}

realtime_suite_of() {  # realtime_suite_of RUN: the suite a real-time run's filter names ("" for a group)
    local filter=${1#--filter ^}
    case "$1" in
        "--filter ^"*"/") filter=${filter%/}; echo "${filter//\\./.}" ;;
        *) echo "" ;;
    esac
}

phase_swift() {
    local -a runs=()
    if [ -n "${GEMINI_LIVE_SWIFT_TEST_ARGS:-}" ]; then
        runs=("${GEMINI_LIVE_SWIFT_TEST_ARGS}")
    else
        local group suite skips=""
        for suite in "${realtime_suites[@]}"; do skips+=" --skip ^${suite//./\\.}/"; done
        for group in "${swift_groups[@]}"; do runs+=("--filter ^($group)\\.$skips"); done
        for suite in "${realtime_suites[@]}"; do runs+=("--filter ^${suite//./\\.}/"); done
    fi
    : > "$frames"
    : > "$artifacts/swift-test.log"
    local rc=0 run run_rc silent=0 attempt
    local -a rerun=()
    for run in "${runs[@]}"; do
        local -a args=()
        # shellcheck disable=SC2206  # a word list on purpose
        args=($run)
        # A run whose swift-testing summary never reached the log may not have run all its tests,
        # whatever its exit status says (`swift test` relays the binary's output and now and then
        # loses a "✔" line whose first byte was written on its own): it is reported and run once
        # more; a second silent end fails the phase. A real-time suite (audio or video
        # through PipeWire, which has no realtime priority on a shared machine) that fails is run
        # once more too; both results stay in the log and the summary names it. Each of the two
        # earns one more run, so a run can go at most three times; every other failure stands.
        local retried_failure=0 retried_silence=0
        for attempt in 1 2 3; do
            GEMINI_LIVE_FRAMES_OUT="$frames.part" with_timeout "$swift_test_timeout" \
                "${user_env[@]}" swift test "${swiftpm[@]}" --skip-build "${args[@]}" 2>&1 | tee "$artifacts/swift-run.log"
            run_rc=${PIPESTATUS[0]}
            cat "$artifacts/swift-run.log" >> "$artifacts/swift-test.log"
            if [ "$run_rc" -ne 0 ]; then
                [ "$retried_failure" -eq 0 ] && [[ " ${realtime_suites[*]} " == *" $(realtime_suite_of "$run") "* ]] || break
                echo "[test] real-time suite run $run failed (attempt $attempt): running it once more" | tee -a "$artifacts/swift-test.log"
                retried_failure=1
                rerun+=("$(realtime_suite_of "$run")")
                rm -f "$frames.part"
                continue
            fi
            grep -aqE 'Test run with [0-9]+ tests?' "$artifacts/swift-run.log" && break
            # A run of one suite whose own verdict, "✔ Suite … passed", came after all its tests,
            # with nothing failed, ran whole even though its summary line was lost: its tests are
            # counted from their lines.
            if [ -n "$(realtime_suite_of "$run")" ] && [ "$(grep -acE '^◇ Suite ' "$artifacts/swift-run.log")" -eq 1 ] &&
                grep -aqE '^✔ Suite .* passed after' "$artifacts/swift-run.log" && ! grep -aqE '^✘ ' "$artifacts/swift-run.log"; then
                local counted
                counted=$(grep -acE '^✔ Test "' "$artifacts/swift-run.log" || true)
                tests_without_summary=$((tests_without_summary + counted))
                echo "[test] swift test $run ended (status 0) without its summary line after its suite passed: $counted tests counted from their lines" | tee -a "$artifacts/swift-test.log"
                break
            fi
            echo "[test] swift test $run ended (status 0) without its summary line (attempt $attempt)" | tee -a "$artifacts/swift-test.log"
            silent=$((silent + 1))
            run_rc=1
            rm -f "$frames.part"
            [ "$retried_silence" -eq 0 ] || break
            retried_silence=1
        done
        [ -s "$frames.part" ] && cat "$frames.part" >> "$frames"
        rm -f "$frames.part"
        [ "$run_rc" -eq 0 ] || rc=$run_rc
    done
    rm -f "$artifacts/swift-run.log"
    local total failures
    total=$(swift_test_count)
    failures=$(grep -acE '^✘ Test "[^"]*".* failed after' "$artifacts/swift-test.log" || true)
    phase_note="${total:-0} Swift tests in ${#runs[@]} run(s), ${failures:-0} failed"
    [ "$silent" -eq 0 ] || phase_note+=", $silent silent end(s) of a test process (see swift-test.log)"
    [ "$tests_without_summary" -eq 0 ] || phase_note+=", $tests_without_summary counted from a passed suite whose process ended before its summary"
    [ "${#rerun[@]}" -eq 0 ] || phase_note+=", run again after a failure: ${rerun[*]}"
    [ "$rc" -eq 124 ] && phase_note="timed out after ${swift_test_timeout}s"
    return "$rc"
}

phase_tsan() {
    local -a tsan_scratch=()
    [ -n "$scratch" ] && tsan_scratch=(--scratch-path "$scratch/sanitized")
    with_timeout "$swift_test_timeout" "${user_env[@]}" swift test --package-path "$root/Tests/Sanitized" \
        "${tsan_scratch[@]}" --sanitize=thread 2>&1 | tee "$artifacts/tsan.log"
    local rc=${PIPESTATUS[0]}
    phase_note="$(grep -aoE 'Test run with [0-9]+ tests?' "$artifacts/tsan.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0) tests under TSan"
    grep -aq 'ThreadSanitizer' "$artifacts/tsan.log" && { phase_note+=", ThreadSanitizer reported"; rc=1; }
    return "$rc"
}

start_simulator() {  # sets simulator_pid and simulator_url
    local bin api_key i
    "${user_env[@]}" swift build "${swiftpm[@]}" --product gemini-live-simulator >&2 || return 1
    bin="$("${user_env[@]}" swift build "${swiftpm[@]}" --show-bin-path)/gemini-live-simulator"
    [ -x "$bin" ] || { log "no simulator binary at $bin"; return 1; }
    api_key="test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    simulator_key=$api_key
    "$bin" --host 127.0.0.1 --port 0 --tls-cert "$cert" --tls-key "$key" --api-key "$api_key" \
        > "$artifacts/simulator.out" 2> "$artifacts/simulator.log" < /dev/null &
    simulator_pid=$!
    simulator_url=
    for ((i = 0; i < 300; i++)); do   # up to 30 s
        simulator_url=$(grep -m 1 -oE 'wss://[^[:space:]]+' "$artifacts/simulator.out" 2>/dev/null || true)
        [ -n "$simulator_url" ] && break
        if ! kill -0 "$simulator_pid" 2>/dev/null; then
            log "simulator exited before listening: $(tail -n 5 "$artifacts/simulator.log" | tr '\n' ' ')"
            wait "$simulator_pid" 2>/dev/null || true
            simulator_pid=
            return 1
        fi
        sleep 0.1
    done
    if [ -z "$simulator_url" ]; then
        log "simulator printed no 'listening on wss://…' line within 30 s: $(head -c 300 "$artifacts/simulator.out")"
        return 1
    fi
    log "simulator $simulator_pid at $simulator_url"
}

phase_interop() {
    local python rc=0 sdk_line frames_line
    python=$("$root/scripts/interop-venv.sh") || { phase_note="venv failed"; return 1; }

    "$python" Tests/interop/validate_frames.py --self-test > "$artifacts/validate-self-test.log" 2>&1 || {
        cat "$artifacts/validate-self-test.log" >&2
        phase_note="validate_frames.py --self-test failed"
        return 1
    }
    log "validator self-test: $(tail -n 1 "$artifacts/validate-self-test.log")"

    if start_simulator; then
        with_timeout "$interop_timeout" "$python" Tests/interop/sdk_turns.py \
            --url "$simulator_url" --ca "$ca" --api-key "$simulator_key" 2>&1 | tee "$artifacts/sdk-turns.log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
        stop_pid "$simulator_pid" gemini-live-simulator
        simulator_pid=
        sdk_line="sdk $(tail -n 1 "$artifacts/sdk-turns.log")"
    else
        rc=1
        sdk_line="simulator did not start (see $artifacts/simulator.log)"
    fi

    local endpoint_line
    if [ -n "$desktop_dir" ]; then
        say "interop: python-genai through the gateway's local Live endpoint"
        local bin
        bin="$("${user_env[@]}" swift build "${swiftpm[@]}" --show-bin-path)"
        if "${user_env[@]}" swift build "${swiftpm[@]}" --product gemini-live-gateway >&2 \
            && "${user_env[@]}" swift build "${swiftpm[@]}" --product gemini-live >&2; then
            with_timeout "$interop_timeout" "$python" Tests/interop/endpoint_turns.py \
                --bin "$bin" --ca "$ca" --cert "$cert" --key "$key" 2>&1 | tee "$artifacts/endpoint-turns.log"
            [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
            endpoint_line="endpoint $(tail -n 1 "$artifacts/endpoint-turns.log")"
        else
            rc=1
            endpoint_line="endpoint: the gateway did not build"
        fi
    else
        endpoint_line="endpoint not run (needs the private test desktop)"
    fi

    say "interop: client frames ($frames)"
    [ "${result[swift]:-}" = PASS ] || log "note: swift test did not pass; the frames may be incomplete"
    "$python" Tests/interop/validate_frames.py "$frames" 2>&1 | tee "$artifacts/validate-frames.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
    frames_line="frames $(tail -n 1 "$artifacts/validate-frames.log")"
    phase_note="$sdk_line; $endpoint_line; $frames_line"
    return "$rc"
}

phase_run() {
    # No key and a temporary XDG_CONFIG_HOME: the gateway uses its embedded simulator.
    with_timeout 300 env -u GEMINI_API_KEY GEMINI_LIVE_RUN_ONCE=1 GEMINI_LIVE_SKIP_DEPS=1 \
        "$root/scripts/run.sh" < /dev/null 2>&1 | tee "$artifacts/run.log"
    local rc=${PIPESTATUS[0]}
    phase_note=$(grep -m 1 '^turn:' "$artifacts/run.log" || echo "see $artifacts/run.log")
    return "$rc"
}

phase_bench() {
    local bin
    swift build "${swiftpm[@]}" -c release --product live-benchmark || { phase_note="release build failed"; return 1; }
    bin="$(swift build "${swiftpm[@]}" -c release --show-bin-path)/live-benchmark"
    # shellcheck disable=SC2086  # the knob is a word list on purpose
    with_timeout 300 "$bin" $bench_args 2>&1 | tee "$artifacts/benchmark.txt"
    local rc=${PIPESTATUS[0]}
    phase_note="figures in $artifacts/benchmark.txt (not asserted)"
    return "$rc"
}

phase_echo() {
    # Its own desktop and room; the debug binaries the build phase made.
    with_timeout 400 "${user_env[@]}" "$root/scripts/bench-echo.sh" --skip-build --seconds 8 \
        ${scratch:+--scratch-path "$scratch"} --out "$artifacts/echo.json" 2>&1 | tee "$artifacts/echo.txt"
    local rc=${PIPESTATUS[0]}
    phase_note="figures in $artifacts/echo.json (not asserted)"
    return "$rc"
}

if skip_knob GEMINI_LIVE_SKIP_DEPS; then record deps SKIP 0 "GEMINI_LIVE_SKIP_DEPS=1"; else run_phase deps phase_deps; fi

run_phase build phase_build
build_ok=${result[build]}

if skip_knob GEMINI_LIVE_SKIP_DESKTOP; then record desktop SKIP 0 "GEMINI_LIVE_SKIP_DESKTOP=1"; else run_phase desktop phase_desktop; fi

if [ "$build_ok" = PASS ]; then
    run_phase swift phase_swift
else
    record swift FAIL 0 "not run: the build failed"
fi

if skip_knob GEMINI_LIVE_SKIP_TSAN; then record tsan SKIP 0 "GEMINI_LIVE_SKIP_TSAN=1"; else run_phase tsan phase_tsan; fi

# Interop builds the simulator product itself, so it runs even when another target failed.
if skip_knob GEMINI_LIVE_SKIP_INTEROP; then
    record interop SKIP 0 "GEMINI_LIVE_SKIP_INTEROP=1"
else
    run_phase interop phase_interop
fi

if [ -z "$desktop_dir" ]; then
    record run SKIP 0 "needs the private test desktop"
elif [ "$build_ok" != PASS ]; then
    record run FAIL 0 "not run: the build failed"
else
    run_phase run phase_run
fi

cleanup   # stop the desktop before the release build: nothing below needs it

if skip_knob GEMINI_LIVE_SKIP_ECHO; then
    record echo SKIP 0 "GEMINI_LIVE_SKIP_ECHO=1"
elif [ "$build_ok" != PASS ]; then
    record echo FAIL 0 "not run: the build failed"
else
    run_phase echo phase_echo
fi

if skip_knob GEMINI_LIVE_SKIP_BENCH; then record bench SKIP 0 "GEMINI_LIVE_SKIP_BENCH=1"; else run_phase bench phase_bench; fi

# ---------------------------------------------------------------- summary
failed=0
say "summary ($((SECONDS - start_time)) s; artifacts in $artifacts)"
for p in "${phases[@]}"; do
    printf '  %-8s %-4s %5ss  %s\n' "$p" "${result[$p]}" "${seconds[$p]}" "${note[$p]}"
    [ "${result[$p]}" = FAIL ] && failed=$((failed + 1))
done
# One closing line counting every check: Swift tests (a failed Swift Testing test prints one
# "✘ Test … failed" line), the official SDK's checks and the client-frame checks.
swift_total=$(swift_test_count)
swift_failed=$(cat "$artifacts/swift-test.log" "$artifacts/tsan.log" 2>/dev/null | grep -acE '^✘ Test "[^"]*".* failed after' || true)
passed=$(( ${swift_total:-0} - ${swift_failed:-0} ))
failed_checks=$(( ${swift_failed:-0} + failed ))
for log_file in "$artifacts/sdk-turns.log" "$artifacts/endpoint-turns.log" "$artifacts/validate-frames.log"; do
    line=$(grep -hoE '^[0-9]+ passed, [0-9]+ failed' "$log_file" 2>/dev/null | tail -n 1 || true)
    [ -n "$line" ] || continue
    passed=$(( passed + $(echo "$line" | cut -d' ' -f1) ))
    failed_checks=$(( failed_checks + $(echo "$line" | cut -d' ' -f3) ))
done
if [ "$failed" -gt 0 ]; then
    echo "FAILED: $failed phase(s)"
    echo "tests: $passed passed, $failed_checks failed"
    exit 1
fi
echo "ALL PHASES PASSED"
echo "tests: $passed passed, $failed_checks failed"
