#!/usr/bin/python3
"""Drive N gateway sessions that stream audio through PipeWire, and measure the gateway.

Run by scripts/bench-audio.sh (system python3 with python3-dbus) on the private test desktop,
with the gateway already on the bus. For each session it calls StartSession (detached), plays
the speech WAV into the session's `gemini-live-<id>-input` sink with `pw-cat --target`, and
records its `gemini-live-<id>-voice` with `pw-record`, so both audio paths run. Session i
starts playing i x (stagger / N) seconds after the first, so turns do not line up.

Measured, all written as one JSON object to --out:
  cpu      utime+stime of the gateway (and PipeWire, WirePlumber) from /proc/PID/stat over the
           steady window: --warmup seconds after the last player started, for --seconds; the
           gateway's also by thread name (/proc/PID/task/*/stat)
  rss      VmRSS of the gateway before any session (idle) and at the end of the steady window,
           also split into RssAnon / RssFile / RssShmem (PipeWire's buffers are shared memory)
  latency  each session's AudioLatency (the gateway's own p50/p99 each way, last 1024 messages)
  counters Underruns, AudioSent/Received/PlayedSeconds per session
  interrupt for each session, once its voice is playing: AudioPlayedSeconds read before
           Interrupt, right after the call returned, and --after-interrupt seconds later; the
           frames played after the call returned are (later - returned) x 24000

Every process it starts (pw-cat, pw-record) is stopped by its PID; sessions are closed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

try:
    import dbus
except ImportError:  # pragma: no cover - environment problem
    sys.exit("drive_gateway: python3-dbus is missing (apt-get install python3-dbus)")

BUS_NAME = "io.github.geminilive.Gateway1"
MANAGER_PATH = "/io/github/geminilive/Gateway1"
SESSION_IFACE = BUS_NAME + ".Session"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
VOICE_RATE = 24_000


def log(message: str) -> None:
    print(f"[drive-gateway] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of every thread of PID, in clock ticks; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])   # fields 14 and 15 of proc(5), after "pid (comm)"


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and its parts (RssAnon, RssFile, RssShmem) from /proc/PID/status, in KiB."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key = line.split(":", 1)[0]
                if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                    out[key] = int(line.split()[1])
    except OSError:
        pass
    return out


def rss_kib(pid: int) -> int | None:
    return memory_kib(pid).get("VmRSS")


def thread_ticks(pid: int) -> dict[str, int]:
    """utime + stime per thread name (threads of one name summed), in clock ticks."""
    out: dict[str, int] = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
    return out


class CPUWindow:
    """CPU time of some processes between start() and stop(), as % of one core."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.tick = os.sysconf("SC_CLK_TCK")
        self.begin: dict[str, int | None] = {}
        self.end: dict[str, int | None] = {}
        self.wall = (0.0, 0.0)

    def start(self) -> None:
        self.begin = {name: cpu_ticks(pid) for name, pid in self.pids.items()}
        self.threads_begin = thread_ticks(self.pids["gateway"])
        self.wall = (time.monotonic(), 0.0)

    def stop(self) -> None:
        self.end = {name: cpu_ticks(pid) for name, pid in self.pids.items()}
        self.threads_end = thread_ticks(self.pids["gateway"])
        self.wall = (self.wall[0], time.monotonic())

    def gateway_threads(self) -> dict[str, float]:
        """The gateway's CPU by thread name, % of one core (threads alive at both ends)."""
        elapsed = self.wall[1] - self.wall[0]
        return {name: 100.0 * (ticks - self.threads_begin.get(name, 0)) / self.tick / elapsed
                for name, ticks in self.threads_end.items() if elapsed > 0}

    def percent(self) -> dict[str, float | None]:
        elapsed = self.wall[1] - self.wall[0]
        out: dict[str, float | None] = {}
        for name in self.pids:
            a, b = self.begin.get(name), self.end.get(name)
            out[name] = None if a is None or b is None or elapsed <= 0 else 100.0 * (b - a) / self.tick / elapsed
        return out


# ---------------------------------------------------------------- sessions


class Session:
    def __init__(self, bus: dbus.SessionBus, path: str) -> None:
        self.path = path
        self.id = path.rsplit("/", 1)[1]
        proxy = bus.get_object(BUS_NAME, path)
        self.methods = dbus.Interface(proxy, SESSION_IFACE)
        self.props = dbus.Interface(proxy, PROPS_IFACE)
        self.players: list[subprocess.Popen] = []

    def get(self, name: str):
        return self.props.Get(SESSION_IFACE, name, timeout=10)

    def played(self) -> float:
        return float(self.get("AudioPlayedSeconds"))

    def snapshot(self) -> dict:
        values = self.props.GetAll(SESSION_IFACE, timeout=10)
        latency = {str(k): float(v) for k, v in values.get("AudioLatency", {}).items()}
        return {
            "id": self.id,
            "state": str(values.get("State", "")),
            "audio_state": str(values.get("AudioState", "")),
            "underruns": int(values.get("Underruns", 0)),
            "sent_s": float(values.get("AudioSentSeconds", 0)),
            "dropped_s": float(values.get("AudioDroppedSeconds", 0)),
            "received_s": float(values.get("AudioReceivedSeconds", 0)),
            "played_s": float(values.get("AudioPlayedSeconds", 0)),
            "turn": int(values.get("Turn", 0)),
            "latency": latency,
        }


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    """TERM, up to 3 s, then KILL: only our own child, by its PID."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def measure_interrupts(sessions: list[Session], limit: float, after: float) -> list[dict]:
    """Interrupts each session once while its voice plays; see the module doc."""
    results: dict[str, dict] = {}
    last = {s.id: s.played() for s in sessions}
    pending = {s.id: s for s in sessions}
    waiting: dict[str, tuple[Session, float]] = {}   # interrupted, waiting for the late reading
    deadline = time.monotonic() + limit
    while (pending or waiting) and time.monotonic() < deadline:
        for sid, session in list(pending.items()):
            now = session.played()
            if now > last[sid]:          # the voice advanced since the last look: it plays
                before = session.played()
                t0 = time.monotonic()
                session.methods.Interrupt(timeout=10)
                call_ms = 1000 * (time.monotonic() - t0)
                returned = session.played()
                results[sid] = {"id": sid, "before_s": before, "returned_s": returned, "call_ms": call_ms}
                waiting[sid] = (session, time.monotonic() + after)
                del pending[sid]
            last[sid] = now
        for sid, (session, due) in list(waiting.items()):
            if time.monotonic() >= due:
                r = results[sid]
                r["later_s"] = session.played()
                r["frames_during_call"] = round((r["returned_s"] - r["before_s"]) * VOICE_RATE)
                r["frames_after_return"] = round((r["later_s"] - r["returned_s"]) * VOICE_RATE)
                del waiting[sid]
        time.sleep(0.01)
    for sid in pending:
        results[sid] = {"id": sid, "skipped": "its voice did not play within the time limit"}
    for sid in waiting:
        results[sid].setdefault("skipped", "no late reading")
    return [results[s.id] for s in sessions if s.id in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True, help="steady-state window")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds after the last player started")
    parser.add_argument("--stagger", type=float, default=5.0, help="spread of the players' start times")
    parser.add_argument("--chunk-ms", type=int, default=100)
    parser.add_argument("--jitter-ms", type=int, default=None)
    parser.add_argument("--wav", required=True)
    parser.add_argument("--audio-input", default=None,
                        help="a capture node every session records (audio_input); then no player per session")
    parser.add_argument("--play-voice", action="store_true", help="play_voice: the voice also on the default speakers")
    parser.add_argument("--record-dir", required=True, help="where pw-record writes each voice")
    parser.add_argument("--gateway-pid", type=int, required=True)
    parser.add_argument("--pipewire-pid", type=int, default=0)
    parser.add_argument("--wireplumber-pid", type=int, default=0)
    parser.add_argument("--interrupt-limit", type=float, default=15.0)
    parser.add_argument("--after-interrupt", type=float, default=0.3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    # SIGTERM (the caller's timeout) runs the finally below: players stopped, sessions closed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    bus = dbus.SessionBus()
    manager = dbus.Interface(bus.get_object(BUS_NAME, MANAGER_PATH), BUS_NAME)
    pids = {"gateway": args.gateway_pid}
    if args.pipewire_pid:
        pids["pipewire"] = args.pipewire_pid
    if args.wireplumber_pid:
        pids["wireplumber"] = args.wireplumber_pid
    result: dict = {"sessions": args.sessions, "seconds": args.seconds, "chunk_ms": args.chunk_ms,
                    "rss_idle_kib": {name: rss_kib(pid) for name, pid in pids.items()},
                    "memory_idle_kib": {name: memory_kib(pid) for name, pid in pids.items()}}

    sessions: list[Session] = []
    processes: list[subprocess.Popen] = []
    try:
        t0 = time.monotonic()
        options = {"detached": dbus.Boolean(True), "idle_timeout": dbus.UInt32(600),
                   "audio_chunk_ms": dbus.UInt32(args.chunk_ms)}
        if args.jitter_ms is not None:
            options["jitter_buffer_ms"] = dbus.UInt32(args.jitter_ms)
        if args.audio_input:
            options["audio_input"] = dbus.String(args.audio_input)
        if args.play_voice:
            options["play_voice"] = dbus.Boolean(True)
        for _ in range(args.sessions):
            path = manager.StartSession(dbus.Dictionary(options, signature="sv"), timeout=60)
            sessions.append(Session(bus, str(path)))
        result["start_sessions_s"] = time.monotonic() - t0
        for s in sessions:
            wait_for(lambda s=s: str(s.get("AudioState")) == "active" and (args.audio_input or str(s.get("InputNode"))), 20,
                     f"the audio nodes of session {s.id}")
        log(f"{len(sessions)} session(s) open in {result['start_sessions_s']:.2f} s, nodes ready")

        # Recorders first (the voice plays only while something records), then the players.
        for s in sessions:
            voice = str(s.get("OutputNode"))
            processes.append(subprocess.Popen(
                ["pw-record", "--target", voice, "--rate", "24000", "--channels", "1",
                 os.path.join(args.record_dir, f"voice-{s.id}.wav")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        started = time.monotonic()
        for i, s in enumerate(sessions):
            if args.audio_input:
                break   # every session captures the test microphone, which the caller feeds
            delay = started + i * args.stagger / max(1, args.sessions) - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            processes.append(subprocess.Popen(
                ["pw-cat", "--playback", "--target", str(s.get("InputNode")), args.wav],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(args.warmup)
        for p in processes:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[0]} exited early with status {p.returncode}")

        window = CPUWindow(pids)
        window.start()
        time.sleep(args.seconds)
        window.stop()
        result["rss_kib"] = {name: rss_kib(pid) for name, pid in pids.items()}
        result["memory_kib"] = {name: memory_kib(pid) for name, pid in pids.items()}
        result["cpu_percent"] = window.percent()
        result["gateway_threads_cpu_percent"] = window.gateway_threads()
        result["window_s"] = window.wall[1] - window.wall[0]
        result["steady"] = [s.snapshot() for s in sessions]
        log("steady window measured; interrupting each session while its voice plays")

        result["interrupt"] = measure_interrupts(sessions, args.interrupt_limit, args.after_interrupt)
        result["final"] = [s.snapshot() for s in sessions]
        for p in processes:
            if p.poll() is not None and p.returncode != 0:
                result.setdefault("player_errors", []).append(f"{p.args[0]} exited with {p.returncode}")
    finally:
        for p in processes:
            stop(p)
        for s in sessions:
            try:
                s.methods.Close(timeout=10)
            except dbus.DBusException as error:
                log(f"closing session {s.id}: {error.get_dbus_message()}")
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
