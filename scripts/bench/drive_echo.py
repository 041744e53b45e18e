#!/usr/bin/python3
"""Measure echo cancellation in the virtual room (scripts/echo-room.sh), on and off.

Run by scripts/bench-echo.sh (system python3 with python3-dbus) inside the private test desktop,
with the room up and the gateway on the bus, answered by the simulator's echo voice. For each
mode (echo_cancel = on, then off), on the room's microphone with the voice on the room's speakers:

  loop       a session with automatic activity detection; the near-end voice says one sentence
             into the room, then nobody speaks for --seconds. Counted from the session's signals
             (dbus-monitor): TurnComplete (turns), Interrupted (self-interruptions: nobody spoke
             after the sentence, so every Interrupted is the model's own voice coming back), and
             turns triggered by the model's own voice = turns - the near-end utterances.
  erle       a session with activity detection disabled (so the simulator does not answer); the
             far-end voice plays on the speakers while pw-record records the raw microphone and
             the session's capture source (the canceller's source when on, the microphone when
             off). ERLE = 10 log10(raw energy / captured energy) over the far-end's active 10 ms
             frames, each frame's captured energy floored at the 16-bit noise floor (-90 dBFS).
  double     the same session; the near-end voice alone, then the near end during the far end:
             near_end_delta_db = level of the capture during the near end's frames in double talk
             minus its level with the near end alone (0 dB: the near end passes unchanged).

Writes one JSON object ({"on": {...}, "off": {...}, "room": {...}}) to --out. Every process it
starts is stopped by its PID; sessions are closed.
"""

from __future__ import annotations

import argparse
import array
import json
import math
import subprocess
import sys
import time
import wave

try:
    import dbus
except ImportError:  # pragma: no cover - environment problem
    sys.exit("drive_echo: python3-dbus is missing (apt-get install python3-dbus)")

BUS_NAME = "io.github.geminilive.Gateway1"
MANAGER_PATH = "/io/github/geminilive/Gateway1"
SESSION_IFACE = BUS_NAME + ".Session"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
RATE = 16_000
FRAME = RATE // 100
FLOOR = (32768 * 10 ** (-90 / 20)) ** 2   # -90 dBFS, per sample


def log(message: str) -> None:
    print(f"[drive-echo] {message}", file=sys.stderr, flush=True)


def stop(process: subprocess.Popen, sig_int: bool = False) -> None:
    """Ends one child by its PID: SIGINT (pw-record finishes its file) or TERM, then KILL."""
    if process.poll() is not None:
        return
    if sig_int:
        process.send_signal(2)
    else:
        process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def samples(path: str) -> array.array:
    with wave.open(path) as w:
        data = array.array("h", w.readframes(w.getnframes()))
    return data


def frame_powers(data: array.array) -> list[float]:
    return [sum(x * x for x in data[i:i + FRAME]) / FRAME for i in range(0, len(data) - FRAME + 1, FRAME)]


def db(power: float) -> float:
    return 10 * math.log10(max(power, 1e-12) / 32768 ** 2)


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.bus = dbus.SessionBus()
        self.manager = dbus.Interface(self.bus.get_object(BUS_NAME, MANAGER_PATH), BUS_NAME)

    def start(self, mode: str, vad: bool) -> str:
        options = {
            "audio_input": dbus.String("echo-room-microphone", variant_level=1),
            "play_voice": dbus.Boolean(True, variant_level=1),
            "detached": dbus.Boolean(True, variant_level=1),
            # "on" is measured as the policy decides it (auto: a microphone and speakers), "off" forced.
            "echo_cancel": dbus.String("auto" if mode == "on" else "off", variant_level=1),
        }
        if not vad:
            options["vad"] = dbus.Dictionary({"disabled": dbus.Boolean(True, variant_level=1)}, signature="sv",
                                             variant_level=1)
        path = str(self.manager.StartSession(dbus.Dictionary(options, signature="sv"), timeout=30))
        props = dbus.Interface(self.bus.get_object(BUS_NAME, path), PROPS_IFACE)
        wait_for(lambda: str(props.Get(SESSION_IFACE, "AudioState")) == "active", 15, f"{path} audio")
        time.sleep(0.5)
        return path

    def prop(self, path: str, name: str):
        return dbus.Interface(self.bus.get_object(BUS_NAME, path), PROPS_IFACE).Get(SESSION_IFACE, name, timeout=10)

    def close(self, path: str) -> None:
        dbus.Interface(self.bus.get_object(BUS_NAME, path), SESSION_IFACE).Close(timeout=30)

    def capture_node(self, path: str) -> str:
        """The node the session captures: the canceller's source when on, else the microphone."""
        if str(self.prop(path, "EchoCancel")) != "on":
            return "echo-room-microphone"
        dump = subprocess.run(["pw-cli", "ls", "Node"], capture_output=True, text=True, check=True).stdout
        names = [line.split('"')[1] for line in dump.splitlines()
                 if "node.name" in line and "gemini-live-echo-" in line and line.strip().endswith('-source"')]
        if not names:
            raise RuntimeError("EchoCancel is on but no gemini-live-echo-*-source node is in the graph")
        return names[-1]

    def record(self, name: str, targets: dict[str, str], players: list[tuple[float, list[str]]],
               seconds: float) -> dict[str, str]:
        """Records each target while the players run (each after its delay), for `seconds`."""
        files = {key: f"{self.args.record_dir}/{name}-{key}.wav" for key in targets}
        recorders = [subprocess.Popen(["pw-record", "--rate", str(RATE), "--channels", "1", "--format", "s16",
                                       "--target", node, files[key]], stderr=subprocess.DEVNULL)
                     for key, node in targets.items()]
        time.sleep(0.8)
        started = time.monotonic()
        running: list[subprocess.Popen] = []
        try:
            for delay, command in sorted(players):
                wait = started + delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                running.append(subprocess.Popen(command, stderr=subprocess.DEVNULL))
            remaining = started + seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
        finally:
            for process in running:
                stop(process)
            for recorder in recorders:
                stop(recorder, sig_int=True)
        return files

    # ------------------------------------------------------------ the measurements

    def loop(self, mode: str) -> dict:
        path = self.start(mode, vad=True)
        monitor = subprocess.Popen(
            ["dbus-monitor", "--session", f"type='signal',interface='{SESSION_IFACE}',path='{path}'"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            time.sleep(0.5)
            subprocess.run(["pw-cat", "--playback", "--target", "echo-room-near", self.args.near], check=True)
            time.sleep(self.args.seconds)
        finally:
            stop(monitor)
        output = monitor.stdout.read() if monitor.stdout else ""
        members = [line.split("member=", 1)[1].split()[0] for line in output.splitlines() if "member=" in line]
        turns = members.count("TurnComplete")
        interruptions = members.count("Interrupted")
        heard = members.count("InputTranscription")
        decision = str(self.prop(path, "EchoCancelReason"))
        guarded = float(self.prop(path, "EchoGuardSeconds"))
        self.close(path)
        # One sentence was spoken; every further user turn the service saw was the model's voice.
        return {"turns": turns, "self_interruptions": interruptions, "user_turns_heard": heard,
                "self_triggered_turns": max(0, heard - 1), "reason": decision,
                "guard_seconds": round(guarded, 2)}

    def cancellation(self, mode: str) -> dict:
        path = self.start(mode, vad=False)
        capture = self.capture_node(path)
        if mode == "on" and capture == "echo-room-microphone":
            raise RuntimeError(f"echo_cancel = auto did not cancel: {self.prop(path, 'EchoCancelReason')}")
        far_seconds = self.args.far_seconds
        targets = {"raw": "echo-room-microphone", "capture": capture}
        far = self.record(f"{mode}-far", targets,
                          [(0, ["pw-cat", "--playback", "--target", "echo-room-speakers", self.args.far])],
                          far_seconds + 0.5)
        near = self.record(f"{mode}-near", targets,
                           [(0, ["pw-cat", "--playback", "--target", "echo-room-near", self.args.near])],
                           self.args.near_seconds + 0.5)
        double = self.record(f"{mode}-double", targets,
                             [(0, ["pw-cat", "--playback", "--target", "echo-room-speakers", self.args.far]),
                              (1.0, ["pw-cat", "--playback", "--target", "echo-room-near", self.args.near])],
                             max(far_seconds, 1.0 + self.args.near_seconds) + 0.5)
        self.close(path)

        raw, captured = frame_powers(samples(far["raw"])), frame_powers(samples(far["capture"]))
        n = min(len(raw), len(captured))
        active = [i for i in range(n) if db(raw[i]) > -50]
        erle = (10 * math.log10(sum(raw[i] for i in active) / sum(max(captured[i], FLOOR) for i in active))
                if active else 0.0)
        converged = [i for i in active if i >= active[0] + 100] if active else []
        erle_after = (10 * math.log10(sum(raw[i] for i in converged) / sum(max(captured[i], FLOOR) for i in converged))
                      if converged else erle)

        # The near end's frames: where the raw microphone is active with the near end alone; the
        # same offsets from the near end's start in double talk (it starts 1 s into the recording,
        # at the same point after pw-cat starts as in the near-only recording).
        near_raw = frame_powers(samples(near["raw"]))
        near_cap = frame_powers(samples(near["capture"]))
        onset = next((i for i, p in enumerate(near_raw) if db(p) > -50), 0)
        voiced = [i - onset for i, p in enumerate(near_raw) if db(p) > -50]
        double_cap = frame_powers(samples(double["capture"]))
        shift = 100   # 1.0 s in 10 ms frames
        pairs = [(near_cap[onset + k], double_cap[shift + k]) for k in voiced
                 if onset + k < len(near_cap) and shift + k < len(double_cap)]
        alone = sum(a for a, _ in pairs) / max(1, len(pairs))
        during = sum(b for _, b in pairs) / max(1, len(pairs))
        delta = db(during) - db(alone) if pairs else 0.0
        return {"erle_db": round(erle, 1), "erle_after_1s_db": round(erle_after, 1),
                "near_end_delta_db": round(delta, 2), "near_end_level_dbfs": round(db(alone), 1),
                "echo_level_raw_dbfs": round(db(sum(raw[i] for i in active) / max(1, len(active))), 1),
                "capture_node": capture}

    def run(self) -> dict:
        results: dict = {}
        for mode in ("on", "off"):
            log(f"echo_cancel = {mode}: the loop (one sentence, then {self.args.seconds:.0f} s of nobody speaking)")
            loop = self.loop(mode)
            log(f"echo_cancel = {mode}: {loop}")
            log(f"echo_cancel = {mode}: ERLE and double talk")
            measured = self.cancellation(mode)
            log(f"echo_cancel = {mode}: {measured}")
            results[mode] = {**measured, **loop}
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--near", required=True, help="the near-end sentence (WAV)")
    parser.add_argument("--near-seconds", type=float, required=True)
    parser.add_argument("--far", required=True, help="the far-end voice (WAV)")
    parser.add_argument("--far-seconds", type=float, required=True)
    parser.add_argument("--seconds", type=float, default=20, help="silence watched after the sentence")
    parser.add_argument("--record-dir", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    results = Bench(args).run()
    with open(args.out, "w") as out:
        json.dump(results, out, indent=2, sort_keys=True)
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
