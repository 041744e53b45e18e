#!/usr/bin/env python3
"""The desktop peer of scripts/bench-audio.sh: python-genai + PyAudio, shaped like Google's Live API
starter script (capture from a microphone, send, receive, play the voice), N sessions in this one
process.

Each session opens a PyAudio input stream (16 kHz S16LE mono, --chunk-ms frames per read) on the
default microphone and a PyAudio output stream (24 kHz S16LE mono) on the default speakers, through
ALSA's PipeWire plugin (Debian's pipewire-alsa), as the starter does: `stream.read` and
`stream.write` run in threads (`asyncio.to_thread`), every chunk read is sent with
`send_realtime_input(audio=…)`, and every audio part received is queued and written to the speakers.
The bench makes the default microphone a test microphone that plays the speech WAV, and the default
speakers a null sink, so this peer and the gateway's `audio_input` sessions hear the same thing.

Measured over the steady window like drive_genai.py (this process's CPU from /proc/self/stat, VmRSS
idle and at the end), and written as one JSON object to --out. The simulator accepts any key.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drive_genai import IN_RATE, Stats, cpu_seconds, log, memory_kib, percentile, rss_kib  # noqa: E402

try:
    import pyaudio
except ImportError:  # the interop venv has no PyAudio; Debian's python3-pyaudio is built for this python
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import pyaudio
    except ImportError as error:  # pragma: no cover - environment problem
        sys.exit(f"drive_pyaudio: cannot import pyaudio ({error}); install python3-pyaudio (scripts/install-deps.sh --bench)")

from google import genai  # noqa: E402
from google.genai import types  # noqa: E402

OUT_RATE = 24_000


async def run_session(index: int, client: genai.Client, model: str, config: types.LiveConnectConfig,
                      audio: pyaudio.PyAudio, chunk_frames: int, start_at: float, stop_at: asyncio.Event,
                      connected: asyncio.Queue, stats: Stats) -> None:
    mic = audio.open(format=pyaudio.paInt16, channels=1, rate=IN_RATE, input=True, frames_per_buffer=chunk_frames)
    speaker = audio.open(format=pyaudio.paInt16, channels=1, rate=OUT_RATE, output=True)
    played: asyncio.Queue[bytes] = asyncio.Queue()
    try:
        async with client.aio.live.connect(model=model, config=config) as session:
            await connected.put(index)
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(0.0, start_at - loop.time()))

            async def listen() -> None:   # the starter's listen_audio + send_realtime
                while not stop_at.is_set():
                    data = await asyncio.to_thread(mic.read, chunk_frames, exception_on_overflow=False)
                    t0 = time.perf_counter()
                    await session.send_realtime_input(audio=types.Blob(data=data, mime_type=f"audio/pcm;rate={IN_RATE}"))
                    if stats.recording:
                        stats.send_ms.append(1000 * (time.perf_counter() - t0))
                    stats.sent_bytes += len(data)

            async def receive() -> None:  # the starter's receive_audio
                while not stop_at.is_set():
                    async for message in session.receive():
                        stats.messages_in += 1
                        content = message.server_content
                        if content is None:
                            continue
                        if content.model_turn and content.model_turn.parts:
                            for part in content.model_turn.parts:
                                if part.inline_data and part.inline_data.data:
                                    stats.received_bytes += len(part.inline_data.data)
                                    played.put_nowait(part.inline_data.data)
                        if content.turn_complete:
                            stats.turns += 1
                        if content.interrupted:   # the starter empties its playback queue
                            while not played.empty():
                                played.get_nowait()

            async def play() -> None:     # the starter's play_audio
                while True:
                    data = await played.get()
                    if not data:          # the stop sentinel
                        return
                    await asyncio.to_thread(speaker.write, data)

            receiver = asyncio.create_task(receive())
            workers = [asyncio.create_task(listen()), asyncio.create_task(play())]
            await stop_at.wait()
            # A PyAudio stream must not be closed while a thread is inside its read or write: the
            # reader and the player are not cancelled but end after their current call (a chunk).
            receiver.cancel()
            played.put_nowait(b"")
            await asyncio.gather(*workers, return_exceptions=True)
            await asyncio.gather(receiver, return_exceptions=True)
    finally:
        mic.close()
        speaker.close()


async def main_async(args: argparse.Namespace) -> dict:
    chunk_frames = IN_RATE * args.chunk_ms // 1000
    # Each session blocks two threads (a read, a write), as the starter's to_thread calls do.
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(max_workers=2 * args.sessions + 4))
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
    audio = pyaudio.PyAudio()
    await asyncio.sleep(0.5)
    result: dict = {"sessions": args.sessions, "seconds": args.seconds, "chunk_ms": args.chunk_ms,
                    "rss_idle_kib": rss_kib(), "memory_idle_kib": memory_kib(), "shape": "pyaudio"}
    loop = asyncio.get_running_loop()
    stats = [Stats() for _ in range(args.sessions)]
    stop_at = asyncio.Event()
    connected: asyncio.Queue = asyncio.Queue()
    t0 = loop.time()
    first_start = t0 + args.connect_allowance
    tasks = [asyncio.create_task(run_session(
        i, client, args.model, config, audio, chunk_frames, first_start + i * args.stagger / max(1, args.sessions),
        stop_at, connected, stats[i])) for i in range(args.sessions)]
    try:
        for _ in range(args.sessions):
            getter = asyncio.create_task(connected.get())
            done, _ = await asyncio.wait([getter, *tasks], timeout=60, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                failed = [t for t in tasks if t.done()]
                raise RuntimeError(f"a session failed to connect: {failed[0].exception() if failed else 'timeout'}")
        log(f"{args.sessions} PyAudio session(s) connected in {loop.time() - t0:.2f} s")
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
        if not pending:   # PortAudio may be terminated only once no stream is in use
            audio.terminate()
    all_send = [v for s in stats for v in s.send_ms]
    result["send_p50_ms"] = percentile(all_send, 0.5)
    result["send_p99_ms"] = percentile(all_send, 0.99)
    result["per_session"] = [{"sent_s": s.sent_bytes / 2 / IN_RATE, "received_s": s.received_bytes / 2 / OUT_RATE,
                              "turns": s.turns, "messages_in": s.messages_in} for s in stats]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--stagger", type=float, default=5.0)
    parser.add_argument("--connect-allowance", type=float, default=1.0)
    parser.add_argument("--chunk-ms", type=int, default=100)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    with open(args.out, "w") as out:
        json.dump(result, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
