#!/usr/bin/env python3
"""The peer of scripts/bench-audio.sh: N python-genai Live sessions in this one process.

Each session (google-genai's `client.aio.live.connect`) streams the same 16 kHz S16LE mono WAV
the gateway's sessions play, in chunks of --chunk-ms, in real time (each chunk waits for its
place on the session's clock), with `send_realtime_input(audio=…)`, and receives the model's
audio back with `session.receive()`. Like the gateway's sink, it sends `audio_stream_end` once
the input has been silent for 1.5 s. The setup mirrors the gateway's defaults: AUDIO replies,
input and output transcription, session resumption, sliding-window context compression.
Session i starts i x (--stagger / N) seconds after the first.

Measured over the steady window (--warmup seconds after the last session started streaming,
for --seconds), written as one JSON object to --out: this process's CPU time from
/proc/self/stat (% of one core), VmRSS before any connection (idle) and at the end of the
window, the time `send_realtime_input` takes (its send path, p50/p99), and the audio sent and
received per session. Nothing is read from the command line that is secret: the simulator
accepts any key, and a fixed dummy one is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import sys
import time
import wave

try:
    from google import genai
    from google.genai import types
except ImportError as error:  # pragma: no cover - environment problem
    sys.exit(f"drive_genai: cannot import google-genai ({error}); run scripts/interop-venv.sh")

IN_RATE = 16_000
QUIET_AFTER_S = 1.5
SILENCE_THRESHOLD = 32


def log(message: str) -> None:
    print(f"[drive-genai] {message}", file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    with open("/proc/self/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib() -> dict[str, int]:
    """VmRSS and its parts (RssAnon, RssFile, RssShmem) from /proc/self/status, in KiB."""
    out: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                out[key] = int(line.split()[1])
    return out


def rss_kib() -> int | None:
    return memory_kib().get("VmRSS")


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(-(-len(ordered) * fraction // 1)) - 1))
    return ordered[index]


def load_pcm(path: str) -> bytes:
    with wave.open(path, "rb") as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (IN_RATE, 1, 2):
            sys.exit(f"drive_genai: {path} must be 16 kHz mono 16-bit")
        return wav.readframes(wav.getnframes())


def chunk_is_silent(chunk: memoryview) -> bool:
    samples = chunk.cast("h")
    return max(samples, default=0) <= SILENCE_THRESHOLD and min(samples, default=0) >= -SILENCE_THRESHOLD


class Stats:
    def __init__(self) -> None:
        self.send_ms: list[float] = []
        self.recording = False
        self.sent_bytes = 0
        self.received_bytes = 0
        self.messages_in = 0
        self.turns = 0


async def run_session(index: int, client: genai.Client, model: str, config: types.LiveConnectConfig,
                      pcm: bytes, chunk_bytes: int, start_at: float, stop_at: asyncio.Event,
                      connected: asyncio.Queue, stats: Stats) -> None:
    async with client.aio.live.connect(model=model, config=config) as session:
        await connected.put(index)

        async def receive() -> None:
            while True:
                got = stats.messages_in
                async for message in session.receive():
                    stats.messages_in += 1
                    content = message.server_content
                    if content is None:
                        continue
                    if content.model_turn and content.model_turn.parts:
                        for part in content.model_turn.parts:
                            if part.inline_data and part.inline_data.data:
                                stats.received_bytes += len(part.inline_data.data)
                    if content.turn_complete:
                        stats.turns += 1
                if stats.messages_in == got:   # receive() ended with nothing: the connection is gone
                    return

        receiver = asyncio.create_task(receive())
        try:
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(0.0, start_at - loop.time()))
            view = memoryview(pcm)
            offset = 0
            sent_samples = 0
            began = loop.time()
            last_sound = began
            ended = True
            while not stop_at.is_set():
                if offset + chunk_bytes > len(view):
                    offset = 0                       # loop the file
                piece = view[offset:offset + chunk_bytes]
                offset += chunk_bytes
                t0 = time.perf_counter()
                await session.send_realtime_input(
                    audio=types.Blob(data=bytes(piece), mime_type=f"audio/pcm;rate={IN_RATE}"))
                if stats.recording:
                    stats.send_ms.append(1000 * (time.perf_counter() - t0))
                stats.sent_bytes += len(piece)
                sent_samples += len(piece) // 2
                now = loop.time()
                if not chunk_is_silent(piece):
                    last_sound, ended = now, False
                elif not ended and now - last_sound >= QUIET_AFTER_S:
                    await session.send_realtime_input(audio_stream_end=True)
                    ended = True
                delay = began + sent_samples / IN_RATE - loop.time()
                if delay > 0:
                    try:
                        await asyncio.wait_for(stop_at.wait(), timeout=delay)
                    except TimeoutError:
                        pass
        finally:
            receiver.cancel()
            try:
                await receiver
            except (asyncio.CancelledError, Exception):
                pass


async def main_async(args: argparse.Namespace) -> dict:
    pcm = load_pcm(args.wav)
    chunk_bytes = IN_RATE * args.chunk_ms // 1000 * 2
    context = ssl.create_default_context(cafile=args.ca)
    client = genai.Client(
        api_key="bench-dummy-key",
        http_options=types.HttpOptions(base_url=args.url, api_version="v1beta", async_client_args={"ssl": context}))
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        session_resumption=types.SessionResumptionConfig(),
        context_window_compression=types.ContextWindowCompressionConfig(sliding_window=types.SlidingWindow()),
    )
    await asyncio.sleep(0.5)
    result: dict = {"sessions": args.sessions, "seconds": args.seconds, "chunk_ms": args.chunk_ms,
                    "rss_idle_kib": rss_kib(), "memory_idle_kib": memory_kib()}

    loop = asyncio.get_running_loop()
    stats = [Stats() for _ in range(args.sessions)]
    stop_at = asyncio.Event()
    connected: asyncio.Queue = asyncio.Queue()
    t0 = loop.time()
    first_start = t0 + args.connect_allowance
    tasks = [asyncio.create_task(run_session(
        i, client, args.model, config, pcm, chunk_bytes, first_start + i * args.stagger / max(1, args.sessions),
        stop_at, connected, stats[i])) for i in range(args.sessions)]
    try:
        for _ in range(args.sessions):
            getter = asyncio.create_task(connected.get())
            done, _ = await asyncio.wait([getter, *tasks], timeout=60, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                failed = [t for t in tasks if t.done()]
                raise RuntimeError(f"a session failed to connect: {failed[0].exception() if failed else 'timeout'}")
        result["start_sessions_s"] = loop.time() - t0
        log(f"{args.sessions} session(s) connected in {result['start_sessions_s']:.2f} s")
        last_start = first_start + (args.sessions - 1) * args.stagger / max(1, args.sessions)
        await asyncio.sleep(max(0.0, last_start + args.warmup - loop.time()))
        for s in stats:
            s.recording = True
        cpu0, wall0 = cpu_seconds(), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu1, wall1 = cpu_seconds(), time.monotonic()
        result["rss_kib"] = rss_kib()
        result["memory_kib"] = memory_kib()
        for s in stats:
            s.recording = False
        result["window_s"] = wall1 - wall0
        result["cpu_percent"] = 100.0 * (cpu1 - cpu0) / (wall1 - wall0)
        failed = [t for t in tasks if t.done()]
        if failed:
            raise RuntimeError(f"a session ended during the window: {failed[0].exception()!r}")
    finally:
        stop_at.set()
        done, pending = await asyncio.wait(tasks, timeout=15)
        for t in pending:
            t.cancel()
    all_send = [v for s in stats for v in s.send_ms]
    result["send_p50_ms"] = percentile(all_send, 0.5)
    result["send_p99_ms"] = percentile(all_send, 0.99)
    result["per_session"] = [{"sent_s": s.sent_bytes / 2 / IN_RATE, "received_s": s.received_bytes / 2 / 24_000,
                              "turns": s.turns, "messages_in": s.messages_in} for s in stats]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the simulator, wss://127.0.0.1:PORT")
    parser.add_argument("--ca", required=True, help="the CA that signed the simulator's certificate")
    parser.add_argument("--model", required=True)
    parser.add_argument("--wav", required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--stagger", type=float, default=5.0)
    parser.add_argument("--connect-allowance", type=float, default=1.0,
                        help="seconds after the first connect call before the first session streams")
    parser.add_argument("--chunk-ms", type=int, default=100)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
