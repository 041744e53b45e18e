#!/usr/bin/env python3
"""Drive our Live API simulator with the official Gemini SDK (google-genai, pinned).

Nothing is started here: point the script at a running ``gemini-live-simulator`` that serves
TLS (the SDK always dials wss://) with a certificate the given CA signs.

    sdk_turns.py --url wss://127.0.0.1:PORT --ca Tests/Fixtures/tls/ca.pem --api-key KEY

or the same through GEMINI_LIVE_SIMULATOR_URL, GEMINI_LIVE_CA and GEMINI_LIVE_API_KEY.

Checks (each assertion prints one PASS/FAIL line):
  text    a clientContent text turn with AUDIO output and output transcription: model audio
          (24 kHz PCM), the transcript, generationComplete before turnComplete, usageMetadata
  audio   a realtime audio turn: 1 s of a voiced-like tone at 16 kHz, then silence and
          audioStreamEnd; the input transcription, and the model's audio, which the
          simulator's echo voice makes the utterance resampled to 24 kHz (length x1.5,
          correlated with the input)
  tool    a declared BLOCKING function is called with the arguments the prompt names (the
          simulator's rule: `call <name> {json}` in the user's text), answered with a
          toolResponse, and the turn completes
  thinking  gemini-3.8-live-extended-thinking with thinkingLevel LOW: one receive() (the SDK ends
          it at IDLE, `_is_interaction_complete`) carries two utterances, turnComplete with
          IN_PROGRESS after the filler and with IDLE after the answer
  translate gemini-3.5-live-translate-preview with translationConfig (target "de"): a spoken
          utterance comes back in the echo voice with a transcript naming the target language
  async   a NON_BLOCKING function: the model speaks while the call is pending; the response with
          scheduling WHEN_IDLE is spoken as a new utterance
  resume  a session-resumption handle arrives; a second connection resumes with it and the
          conversation continues
  errors  a retired model, a wrong API key and an unknown resumption handle are refused with
          the service's close codes and reasons

The last line is ``N passed, N failed``; the exit status is non-zero when anything failed.
Every network wait is bounded (--timeout), so nothing hangs.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import json
import math
import os
import ssl
import sys
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field

try:
    import websockets
    from google import genai
    from google.genai import errors, types
except ImportError as error:  # pragma: no cover - environment problem
    sys.exit(f"sdk_turns: cannot import google-genai ({error}); run scripts/interop-venv.sh")

MODEL = "gemini-3.8-live"
EXTENDED_THINKING_MODEL = "gemini-3.8-live-extended-thinking"
TRANSLATE_MODEL = "gemini-3.5-live-translate-preview"
RETIRED_MODEL = "gemini-2.0-flash-live-001"
IN_RATE = 16_000
OUT_RATE = 24_000
CHUNK_MS = 100
TOOL_ARGS = {"city": "Paris"}
TOOL_PROMPT = f"What is the weather in Paris? call get_weather {json.dumps(TOOL_ARGS)}"


# ---------------------------------------------------------------- reporting


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    def error(self, name: str, error: BaseException) -> None:
        if isinstance(error, TimeoutError):
            self.check(name, False, "timed out")
        else:
            self.check(name, False, f"{type(error).__name__}: {error}")
            if os.environ.get("SDK_TURNS_TRACEBACK"):
                traceback.print_exception(error)


# ---------------------------------------------------------------- audio helpers


def voiced_tone(seconds: float, rate: int = IN_RATE) -> array.array:
    """A speech-like signal: a 120 Hz harmonic series (1/k amplitudes) with slight vibrato and
    two syllable-shaped amplitude bumps; 16-bit mono."""
    n = int(seconds * rate)
    samples = array.array("h", bytes(2 * n))
    phase = 0.0
    for i in range(n):
        t = i / rate
        f0 = 120.0 * (1.0 + 0.03 * math.sin(2 * math.pi * 5.0 * t))
        phase += 2 * math.pi * f0 / rate
        voice = sum(math.sin(k * phase) / k for k in range(1, 11))
        envelope = 0.55 + 0.45 * math.sin(math.pi * (t / seconds) * 2) ** 2   # two "syllables"
        edge = min(1.0, t / 0.03, (seconds - t) / 0.03)                       # 30 ms ramps
        samples[i] = int(max(-32767, min(32767, 9000 * voice * envelope * edge)))
    return samples


def resample_linear(samples: array.array, from_rate: int, to_rate: int) -> list[float]:
    n_out = int(len(samples) * to_rate / from_rate)
    step = from_rate / to_rate
    out = []
    last = len(samples) - 1
    for j in range(n_out):
        x = j * step
        i = int(x)
        frac = x - i
        a = samples[min(i, last)]
        b = samples[min(i + 1, last)]
        out.append(a + (b - a) * frac)
    return out


def voiced_span(samples: array.array, rate: int, threshold: float = 0.02) -> tuple[int, int]:
    """First and last sample of the part louder than threshold x peak (10 ms frames)."""
    if not samples:
        return 0, 0
    peak = max(abs(s) for s in samples) or 1
    frame = rate // 100
    loud = [i for i in range(0, len(samples), frame)
            if max(abs(s) for s in samples[i:i + frame]) > threshold * peak]
    if not loud:
        return 0, 0
    return loud[0], min(len(samples), loud[-1] + frame)


def correlation(a: list[float], b, lag: int, stride: int = 1) -> float:
    """Normalised correlation of a[i] with b[i + lag] over their overlap."""
    start = max(0, -lag)
    stop = min(len(a), len(b) - lag)
    if stop - start < 100:
        return 0.0
    sab = saa = sbb = 0.0
    for i in range(start, stop, stride):
        x = a[i]
        y = b[i + lag]
        sab += x * y
        saa += x * x
        sbb += y * y
    return sab / math.sqrt(saa * sbb) if saa and sbb else 0.0


def best_correlation(reference: list[float], received, rate: int) -> tuple[float, int]:
    """Highest normalised correlation over lags up to ±100 ms: a coarse search on a stride,
    refined sample by sample around the best lag. Pure Python, about a second."""
    max_lag = rate // 10
    coarse = [(correlation(reference, received, lag, stride=8), lag) for lag in range(-max_lag, max_lag + 1, 6)]
    _, centre = max(coarse)
    fine = [(correlation(reference, received, lag), lag) for lag in range(centre - 6, centre + 7)]
    return max(fine)


# ---------------------------------------------------------------- SDK plumbing


@dataclass
class Target:
    base_url: str
    ca: str
    api_key: str
    model: str
    timeout: float

    def client(self, api_key: str | None = None) -> genai.Client:
        context = ssl.create_default_context(cafile=self.ca)
        return genai.Client(
            api_key=api_key or self.api_key,
            http_options=types.HttpOptions(
                base_url=self.base_url, api_version="v1beta", async_client_args={"ssl": context}),
        )


@dataclass
class Turn:
    """Everything the server sent during one turn."""
    audio: bytearray = field(default_factory=bytearray)
    audio_mime_types: set[str] = field(default_factory=set)
    text_parts: list[str] = field(default_factory=list)
    input_transcript: str = ""
    output_transcript: str = ""
    events: list[str] = field(default_factory=list)
    usage: types.UsageMetadata | None = None
    tool_calls: list[types.FunctionCall] = field(default_factory=list)
    resumption: list[types.LiveServerSessionResumptionUpdate] = field(default_factory=list)
    turn_complete: bool = False
    interaction_statuses: list[str] = field(default_factory=list)

    def add(self, message: types.LiveServerMessage) -> None:
        content = message.server_content
        if message.usage_metadata is not None:
            self.usage = message.usage_metadata
            self.events.append("usageMetadata")
        if message.session_resumption_update is not None:
            self.resumption.append(message.session_resumption_update)
            self.events.append("sessionResumptionUpdate")
        if message.tool_call is not None:
            self.tool_calls.extend(message.tool_call.function_calls or [])
            self.events.append("toolCall")
        if message.go_away is not None:
            self.events.append("goAway")
        if content is None:
            return
        if content.model_turn and content.model_turn.parts:
            for part in content.model_turn.parts:
                if part.inline_data and part.inline_data.data:
                    self.audio.extend(part.inline_data.data)
                    self.audio_mime_types.add(part.inline_data.mime_type or "")
                    if not self.events or self.events[-1] != "audio":
                        self.events.append("audio")
                if part.text:
                    self.text_parts.append(part.text)
        if content.input_transcription and content.input_transcription.text:
            self.input_transcript += content.input_transcription.text
            self.events.append("inputTranscription")
        if content.output_transcription and content.output_transcription.text:
            self.output_transcript += content.output_transcription.text
            self.events.append("outputTranscription")
        if content.interrupted:
            self.events.append("interrupted")
        if content.generation_complete:
            self.events.append("generationComplete")
        if content.turn_complete:
            self.events.append("turnComplete")
            self.turn_complete = True
            if content.interaction_status is not None:
                self.interaction_statuses.append(str(content.interaction_status.value))

    @property
    def samples(self) -> array.array:
        pcm = array.array("h")
        pcm.frombytes(bytes(self.audio[: len(self.audio) // 2 * 2]))
        if sys.byteorder == "big":
            pcm.byteswap()
        return pcm


async def receive_turn(session, turn: Turn, until_tool_call: bool = False) -> Turn:
    """Collects messages until turnComplete (or, if asked, the first toolCall)."""
    while not turn.turn_complete:
        async for message in session.receive():
            turn.add(message)
            if until_tool_call and turn.tool_calls:
                return turn
        # receive() ends at turnComplete; loop again when it ended for another reason.
    return turn


def check_usage(report: Report, name: str, turn: Turn) -> None:
    usage = turn.usage
    report.check(f"{name}.usage_metadata", usage is not None and (usage.total_token_count or 0) > 0,
                 f"total={usage.total_token_count} prompt={usage.prompt_token_count} "
                 f"response={usage.response_token_count}" if usage else "missing")


def check_model_audio(report: Report, name: str, turn: Turn) -> None:
    seconds = len(turn.audio) / 2 / OUT_RATE
    report.check(f"{name}.audio", len(turn.audio) > 0 and len(turn.audio) % 2 == 0,
                 f"{len(turn.audio)} bytes ({seconds:.2f} s at 24 kHz)")
    report.check(f"{name}.audio_mime_type", turn.audio_mime_types == {"audio/pcm;rate=24000"},
                 ", ".join(sorted(turn.audio_mime_types)) or "none")


# ---------------------------------------------------------------- checks


async def check_text_turn(target: Target, report: Report) -> None:
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        output_audio_transcription=types.AudioTranscriptionConfig(),
    )
    prompt = "Hello simulator, please say something."
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config) as session:
            # connect() yields a session even when the first frame is not setupComplete.
            report.check("text.setup_complete", session.setup_complete is not None,
                         "first server frame was setupComplete" if session.setup_complete is not None
                         else "first server frame was not setupComplete")
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text=prompt)]), turn_complete=True)
            turn = await receive_turn(session, Turn())
    check_model_audio(report, "text", turn)
    report.check("text.output_transcription", bool(turn.output_transcript.strip()),
                 repr(turn.output_transcript[:80]))
    events = turn.events
    ordered = ("generationComplete" in events and "turnComplete" in events
               and events.index("generationComplete") < events.index("turnComplete"))
    report.check("text.generation_then_turn_complete", ordered, " → ".join(_squash(events)))
    check_usage(report, "text", turn)


async def check_audio_turn(target: Target, report: Report) -> None:
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
    )
    utterance = voiced_tone(1.0)
    silence = array.array("h", bytes(2 * IN_RATE))          # 1 s
    chunk = IN_RATE * CHUNK_MS // 1000
    turn = Turn()

    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config) as session:
            receiver = asyncio.create_task(receive_turn(session, turn))
            try:
                started = time.monotonic()
                sent = 0
                # Real-time pacing, as a microphone would: speech, then silence, then stream end.
                for source in (utterance, silence):
                    for i in range(0, len(source), chunk):
                        if receiver.done():
                            break
                        piece = source[i:i + chunk]
                        if sys.byteorder == "big":
                            piece = array.array("h", piece)
                            piece.byteswap()
                        await session.send_realtime_input(
                            audio=types.Blob(data=piece.tobytes(), mime_type=f"audio/pcm;rate={IN_RATE}"))
                        sent += len(piece)
                        delay = started + sent / IN_RATE - time.monotonic()
                        if delay > 0:
                            await asyncio.sleep(delay)
                if not receiver.done():
                    await session.send_realtime_input(audio_stream_end=True)
                await receiver
            finally:
                receiver.cancel()

    report.check("audio.input_transcription", bool(turn.input_transcript.strip()),
                 repr(turn.input_transcript[:80]))
    check_model_audio(report, "audio", turn)
    received = turn.samples
    start, stop = voiced_span(received, OUT_RATE)
    voiced = stop - start
    expected = len(utterance) * OUT_RATE // IN_RATE
    ratio = voiced / expected if expected else 0.0
    report.check("audio.echo_length", 0.9 <= ratio <= 1.1,
                 f"{voiced} voiced samples of {len(received)} received; expected ≈{expected} "
                 f"(utterance {len(utterance)} × 1.5), ratio {ratio:.3f}")
    if received:
        reference = resample_linear(utterance, IN_RATE, OUT_RATE)
        # Align on the start of the voiced part, then search small lags around it.
        score, lag = best_correlation(reference, received[start:], OUT_RATE)
        report.check("audio.echo_correlation", score >= 0.9,
                     f"r={score:.3f} against the input resampled to 24 kHz "
                     f"(voice starts at {start / OUT_RATE * 1000:.0f} ms, lag {lag / OUT_RATE * 1000:+.1f} ms)")
    else:
        report.check("audio.echo_correlation", False, "no audio to compare")
    report.check("audio.turn_complete", turn.turn_complete, " → ".join(_squash(turn.events)))


async def check_tool_call(target: Target, report: Report) -> None:
    declaration = types.FunctionDeclaration(
        name="get_weather",
        description="Returns the current weather for a city.",
        # gemini-3.8-live calls undeclared behaviours NON_BLOCKING; this check is the blocking one.
        behavior=types.Behavior.BLOCKING,
        parameters=types.Schema(
            type=types.Type.OBJECT,
            properties={"city": types.Schema(type=types.Type.STRING, description="City name")},
            required=["city"],
        ),
    )
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        output_audio_transcription=types.AudioTranscriptionConfig(),
        tools=[types.Tool(function_declarations=[declaration])],
    )
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text=TOOL_PROMPT)]), turn_complete=True)
            first = await receive_turn(session, Turn(), until_tool_call=True)
            calls = first.tool_calls
            report.check("tool.call", bool(calls) and calls[0].name == "get_weather",
                         ", ".join(f"{c.name}({dict(c.args or {})}) id={c.id}" for c in calls) or
                         f"no toolCall; events: {' → '.join(_squash(first.events))}")
            if not calls:
                return
            report.check("tool.call_id", all(c.id for c in calls), "every call has an id")
            report.check("tool.call_args", dict(calls[0].args or {}) == TOOL_ARGS,
                         f"{dict(calls[0].args or {})} (expected {TOOL_ARGS})")
            await session.send_tool_response(function_responses=[
                types.FunctionResponse(id=c.id, name=c.name, response={"temperature_c": 21, "sky": "clear"})
                for c in calls])
            after = await receive_turn(session, Turn())
    report.check("tool.turn_complete_after_response", after.turn_complete, " → ".join(_squash(after.events)))
    report.check("tool.model_answer", bool(after.audio) or bool(after.output_transcript),
                 f"{len(after.audio)} audio bytes, transcript {after.output_transcript[:60]!r}")


async def check_extended_thinking(target: Target, report: Report) -> None:
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        output_audio_transcription=types.AudioTranscriptionConfig(),
        thinking_config=types.ThinkingConfig(thinking_level=types.ThinkingLevel.LOW),
    )
    turn = Turn()
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=EXTENDED_THINKING_MODEL, config=config) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text="Find me a flight")]), turn_complete=True)
            # One receive(): the SDK itself must not stop at the first turnComplete (IN_PROGRESS).
            async for message in session.receive():
                turn.add(message)
    completes = turn.events.count("turnComplete")
    report.check("thinking.two_utterances_one_receive", completes == 2, " → ".join(_squash(turn.events)))
    report.check("thinking.interaction_status", turn.interaction_statuses == ["IN_PROGRESS", "IDLE"],
                 ", ".join(turn.interaction_statuses) or "none")
    report.check("thinking.filler_then_answer",
                 turn.output_transcript.startswith("Let me think") and "Find me a flight" in turn.output_transcript,
                 repr(turn.output_transcript[:100]))


async def check_translation(target: Target, report: Report) -> None:
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        output_audio_transcription=types.AudioTranscriptionConfig(),
        translation_config=types.TranslationConfig(target_language_code="de", echo_target_language=False),
    )
    utterance = voiced_tone(1.0)
    silence = array.array("h", bytes(2 * IN_RATE))
    turn = Turn()
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=TRANSLATE_MODEL, config=config) as session:
            receiver = asyncio.create_task(receive_turn(session, turn))
            try:
                chunk = IN_RATE * CHUNK_MS // 1000
                for source in (utterance, silence):
                    for i in range(0, len(source), chunk):
                        piece = source[i:i + chunk]
                        if sys.byteorder == "big":
                            piece = array.array("h", piece)
                            piece.byteswap()
                        await session.send_realtime_input(
                            audio=types.Blob(data=piece.tobytes(), mime_type=f"audio/pcm;rate={IN_RATE}"))
                        await asyncio.sleep(CHUNK_MS / 1000 / 4)
                await session.send_realtime_input(audio_stream_end=True)
                await receiver
            finally:
                receiver.cancel()
    report.check("translate.transcript_names_target", turn.output_transcript.startswith("[de] translation"),
                 repr(turn.output_transcript[:80]))
    check_model_audio(report, "translate", turn)


async def check_non_blocking(target: Target, report: Report) -> None:
    declaration = types.FunctionDeclaration(
        name="get_weather", description="Returns the current weather for a city.",
        behavior=types.Behavior.NON_BLOCKING,
        parameters=types.Schema(type=types.Type.OBJECT,
                                properties={"city": types.Schema(type=types.Type.STRING)}),
    )
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        output_audio_transcription=types.AudioTranscriptionConfig(),
        tools=[types.Tool(function_declarations=[declaration])],
    )
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text=TOOL_PROMPT)]), turn_complete=True)
            pending = await receive_turn(session, Turn())
            report.check("async.call", bool(pending.tool_calls), " → ".join(_squash(pending.events)))
            report.check("async.speaks_while_pending", pending.output_transcript.startswith("Working on get_weather"),
                         repr(pending.output_transcript[:80]))
            if not pending.tool_calls:
                return
            await session.send_tool_response(function_responses=[
                types.FunctionResponse(id=c.id, name=c.name, response={"temperature_c": 21},
                                       scheduling=types.FunctionResponseScheduling.WHEN_IDLE)
                for c in pending.tool_calls])
            result = await receive_turn(session, Turn())
    report.check("async.result_spoken_when_idle", "get_weather returned" in result.output_transcript,
                 repr(result.output_transcript[:80]))


async def check_resumption(target: Target, report: Report) -> None:
    def config(handle: str | None) -> types.LiveConnectConfig:
        return types.LiveConnectConfig(
            response_modalities=[types.Modality.AUDIO],
            output_audio_transcription=types.AudioTranscriptionConfig(),
            session_resumption=types.SessionResumptionConfig(handle=handle),
        )

    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config(None)) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text="Remember the word teapot.")]),
                turn_complete=True)
            turn = await receive_turn(session, Turn())
            # The handle that covers the finished turn follows turnComplete (handles sent
            # earlier resume the conversation as it was then): wait briefly for it.
            extra = Turn()
            try:
                async with asyncio.timeout(3):
                    while not any(u.resumable and u.new_handle for u in extra.resumption):
                        async for message in session.receive():
                            extra.add(message)
                            if extra.resumption:
                                break
            except TimeoutError:
                pass
    updates = turn.resumption + extra.resumption
    handles = [u.new_handle for u in updates if u.resumable and u.new_handle]
    report.check("resume.handle", bool(handles),
                 f"{len(handles)} resumable handles ({len(extra.resumption)} after turnComplete); "
                 f"using the latest, {handles[-1][:24]!r}" if handles else
                 f"no resumable sessionResumptionUpdate; events: {' → '.join(_squash(turn.events))}")
    if not handles:
        return
    async with asyncio.timeout(target.timeout):
        async with target.client().aio.live.connect(model=target.model, config=config(handles[-1])) as session:
            report.check("resume.reconnect", session.setup_complete is not None,
                         "setupComplete for a setup carrying the handle")
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text="Which word?")]), turn_complete=True)
            again = await receive_turn(session, Turn())
    report.check("resume.turn_after_resume", again.turn_complete and bool(again.audio),
                 f"{len(again.audio)} audio bytes; " + " → ".join(_squash(again.events)))
    # The simulator numbers user turns across resumed connections: the resumed conversation
    # answers "(turn 2)", a fresh one would say "(turn 1)".
    report.check("resume.context_kept", "(turn 2)" in again.output_transcript,
                 repr(again.output_transcript[-60:]))


async def expect_refusal(target: Target, report: Report, name: str, *, model: str, api_key: str | None,
                         codes: set[int], reason_has: str, config: types.LiveConnectConfig | None = None) -> None:
    config = config or types.LiveConnectConfig(response_modalities=[types.Modality.AUDIO])
    try:
        async with asyncio.timeout(target.timeout):
            async with target.client(api_key).aio.live.connect(model=model, config=config) as session:
                await session.send_client_content(
                    turns=types.Content(role="user", parts=[types.Part(text="hi")]), turn_complete=True)
                await receive_turn(session, Turn())
        report.check(name, False, "the session was accepted")
    except errors.APIError as error:
        # A close after the setup was sent: APIError(code = close code, details = reason).
        reason = str(error.details or error.message or "")
        ok = error.code in codes and reason_has.lower() in reason.lower()
        report.check(name, ok, f"close {error.code} {reason[:100]!r}")
    except websockets.exceptions.ConnectionClosed as error:
        # A close before the SDK could send its setup surfaces as the websockets exception.
        code, reason = (error.rcvd.code, error.rcvd.reason) if error.rcvd else (1006, "")
        ok = code in codes and reason_has.lower() in reason.lower()
        report.check(name, ok, f"close {code} {reason[:100]!r} (before setup was sent)")
    except websockets.exceptions.InvalidStatus as error:
        # The upgrade itself refused with an HTTP status.
        status = error.response.status_code
        ok = status in (401, 403) and reason_has == "api key"
        report.check(name, ok, f"HTTP {status} at the WebSocket upgrade")


async def check_errors(target: Target, report: Report) -> None:
    await expect_refusal(target, report, "errors.retired_model", model=RETIRED_MODEL, api_key=None,
                         codes={1008}, reason_has="not found")
    await expect_refusal(target, report, "errors.bad_api_key", model=target.model,
                         api_key=target.api_key + "-wrong", codes={1007, 1008}, reason_has="api key")
    await expect_refusal(target, report, "errors.stale_handle", model=target.model, api_key=None,
                         codes={1008}, reason_has="session not found",
                         config=types.LiveConnectConfig(
                             response_modalities=[types.Modality.AUDIO],
                             session_resumption=types.SessionResumptionConfig(handle="no-such-handle")))


STREAMED = ("inputTranscription", "audio", "outputTranscription")


def _squash(events: list[str]) -> list[str]:
    """Summarises a run of streamed events (audio and transcripts, interleaved) as one item with
    counts, and repeats of anything else as name×n."""
    out: list[str] = []
    i = 0
    while i < len(events):
        j = i
        if events[i] in STREAMED:
            while j < len(events) and events[j] in STREAMED:
                j += 1
            counts = {name: events[i:j].count(name) for name in STREAMED if name in events[i:j]}
            out.append("[" + ", ".join(f"{name}×{n}" if n > 1 else name for name, n in counts.items()) + "]")
        else:
            while j < len(events) and events[j] == events[i]:
                j += 1
            out.append(events[i] if j - i == 1 else f"{events[i]}×{j - i}")
        i = j
    return out


# ---------------------------------------------------------------- driver

CHECKS = ("text", "audio", "tool", "thinking", "translate", "async", "resume", "errors")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the official SDK against the Live API simulator.")
    parser.add_argument("--url", default=os.environ.get("GEMINI_LIVE_SIMULATOR_URL"),
                        help="the simulator's wss://HOST:PORT (env GEMINI_LIVE_SIMULATOR_URL)")
    parser.add_argument("--port", type=int, help="shorthand for --url wss://localhost:PORT")
    parser.add_argument("--ca", default=os.environ.get("GEMINI_LIVE_CA"),
                        help="CA file that signs the simulator's certificate (env GEMINI_LIVE_CA)")
    parser.add_argument("--api-key", default=os.environ.get("GEMINI_LIVE_API_KEY", "TEST_API_KEY"),
                        help="API key the simulator expects (env GEMINI_LIVE_API_KEY)")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per check (default 30)")
    parser.add_argument("--only", default=",".join(CHECKS), help=f"comma-separated subset of {','.join(CHECKS)}")
    args = parser.parse_args()
    if args.port:
        args.url = f"wss://localhost:{args.port}"
    if not args.url or not args.ca:
        parser.error("need --url (or --port) and --ca")
    unknown = set(args.only.split(",")) - set(CHECKS)
    if unknown:
        parser.error(f"unknown checks: {', '.join(sorted(unknown))}")
    return args


def base_url(url: str) -> str:
    """wss://HOST:PORT[/…] → https://HOST:PORT (the SDK turns it back into wss://)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("wss", "https"):
        raise SystemExit(f"sdk_turns: {url}: the SDK only speaks TLS; start the simulator with --tls-cert/--tls-key")
    return f"https://{parts.netloc}"


async def main() -> int:
    args = parse_args()
    target = Target(base_url(args.url), args.ca, args.api_key, args.model, args.timeout)
    print(f"google-genai {genai.__version__} → {target.base_url} (model {target.model})", flush=True)
    report = Report()
    selected = args.only.split(",")
    runs = {
        "text": lambda: check_text_turn(target, report),
        "audio": lambda: check_audio_turn(target, report),
        "tool": lambda: check_tool_call(target, report),
        "thinking": lambda: check_extended_thinking(target, report),
        "translate": lambda: check_translation(target, report),
        "async": lambda: check_non_blocking(target, report),
        "resume": lambda: check_resumption(target, report),
        "errors": lambda: check_errors(target, report),
    }
    for name in CHECKS:
        if name not in selected:
            continue
        started = time.monotonic()
        try:
            await runs[name]()
        except Exception as error:  # report and go on with the next check
            report.error(name, error)
        print(f"     ({name}: {time.monotonic() - started:.2f} s)", flush=True)
    print(f"{report.passed} passed, {report.failed} failed", flush=True)
    return 0 if report.failed == 0 and report.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
