#!/usr/bin/env python3
"""Drive the gateway's local Live endpoint with the official Gemini SDK and raw WebSockets.

Starts, for each scenario, a ``gemini-live-simulator`` (TLS, with an API key) and a
``gemini-live-gateway`` pointed at it with that key, serving its local Live endpoint on its Unix
socket and on a loopback TLS port; every process is stopped by its PID. The gateway needs a
D-Bus session bus: run this inside the private test desktop (scripts/test-desktop.sh run -- …),
never on a real desktop's bus.

    endpoint_turns.py --bin .build/debug --ca Tests/Fixtures/tls/ca.pem \\
        --cert Tests/Fixtures/tls/server.pem --key Tests/Fixtures/tls/server.key

Checks (each assertion prints one PASS/FAIL line):
  endpoint  `gemini-live endpoint --json` gives the URL, the socket and the token; the socket is
            0600 in a 0700 directory, the token file 0600 and the same token
  sdk       python-genai through the endpoint (base_url and the token as its API key): a text
            turn, a real-time audio turn, a tool call, resumption with the handle the client saw,
            a stale handle refused with the service's close, each listed as a gateway session
  seeds     a raw WebSocket on the Unix socket sends the seeds' setups (the missing wrapper, a
            retired model, a bare-string system instruction, TEXT on a native-audio model): each
            is closed locally with the service's code and a reason naming the fix, and the
            simulator saw no connection
  auth      TCP refuses a missing, a wrong and the real key the way the service refuses a key;
            another Unix user cannot connect to the socket or read the token; the real key
            appears in nothing the client can read
  goaway    python-genai keeps one session through the endpoint while the simulator sends goAway
            and closes each upstream connection (1011) every few seconds: every turn is answered,
            no exception, no goAway and no close reach the client

The last line is ``N passed, N failed``; the exit status is non-zero when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sdk_turns  # noqa: E402  (the SDK checks, shared with the simulator interop run)
from sdk_turns import Report, Target, Turn, receive_turn, _squash  # noqa: E402

import websockets  # noqa: E402
from google.genai import types  # noqa: E402

LIVE_PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
MODEL = sdk_turns.MODEL
CHECKS = ("endpoint", "sdk", "seeds", "auth", "goaway")

# The seeds' setups (Preflight's tests): each with the close code the service answers and a
# word the reason must name (the fix).
SEEDS = [
    ("missing_wrapper",
     {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"]}},
     1007, "wrap"),
    ("retired_model",
     {"setup": {"model": "models/gemini-2.0-flash-live-001", "generationConfig": {"responseModalities": ["AUDIO"]}}},
     1008, MODEL),
    ("system_instruction_string",
     {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"]},
                "systemInstruction": "Be brief."}},
     1007, "parts"),
    ("text_on_native_audio",
     {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["TEXT"]}}},
     1007, "AUDIO"),
]


# ---------------------------------------------------------------- processes


class Stack:
    """A simulator and a gateway serving the endpoint in front of it, in a private runtime dir."""

    def __init__(self, args: argparse.Namespace, name: str, simulator_args: list[str]) -> None:
        self.args = args
        self.name = name
        self.simulator_args = simulator_args
        self.dir = Path(tempfile.mkdtemp(prefix=f"endpoint-{name}-"))
        os.chmod(self.dir, 0o700)
        self.runtime = self.dir / "runtime"
        self.runtime.mkdir(mode=0o700)
        self.api_key = "sim-" + os.urandom(12).hex()
        self.key_file = self.dir / "api-key"
        self.key_file.write_text(self.api_key + "\n")
        os.chmod(self.key_file, 0o600)
        self.simulator_log = self.dir / "simulator.log"
        self.gateway_log = self.dir / "gateway.log"
        self.processes: list[subprocess.Popen] = []
        self.endpoint: dict = {}

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["XDG_RUNTIME_DIR"] = str(self.runtime)
        env["XDG_CONFIG_HOME"] = str(self.dir / "config")
        env.pop("GEMINI_API_KEY", None)
        return env

    def binary(self, name: str) -> str:
        return str(Path(self.args.bin) / name)

    def start(self) -> None:
        out = self.dir / "simulator.out"
        with open(out, "w") as stdout, open(self.simulator_log, "w") as stderr:
            simulator = subprocess.Popen(
                [self.binary("gemini-live-simulator"), "--host", "127.0.0.1", "--port", "0",
                 "--tls-cert", self.args.cert, "--tls-key", self.args.key, "--api-key", self.api_key,
                 *self.simulator_args],
                stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=self.env())
        self.processes.append(simulator)
        url = self.wait_for(lambda: next(
            (w for w in out.read_text().split() if w.startswith("wss://")), None), "the simulator's URL")
        port = url.rsplit(":", 1)[1].strip("/")
        with open(self.gateway_log, "w") as stderr:
            gateway = subprocess.Popen(
                [self.binary("gemini-live-gateway"), "--endpoint", f"wss://localhost:{port}",
                 "--ca-file", self.args.ca, "--key-file", str(self.key_file), "--no-audio",
                 "--live-port", "0", "--live-tls-cert", self.args.cert, "--live-tls-key", self.args.key],
                stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL, env=self.env())
        self.processes.append(gateway)
        self.endpoint = self.wait_for(self.query_endpoint, "the gateway's GetLiveEndpoint with a URL")

    def query_endpoint(self) -> dict | None:
        for process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited ({process.returncode}); see {self.dir}")
        result = self.cli("endpoint", "--json")
        if result.returncode != 0:
            return None
        info = json.loads(result.stdout)
        return info if info.get("url") and info.get("socket") else None

    def cli(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.binary("gemini-live"), *arguments, "--timeout", "10"],
                              capture_output=True, text=True, env=self.env(), timeout=30)

    @staticmethod
    def wait_for(probe, what: str, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = probe()
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"no {what} within {seconds:.0f} s")

    def upstream_connections(self) -> int:
        """Connections the simulator accepted so far (its log's "connection opened" lines)."""
        return self.simulator_log.read_text(errors="replace").count("connection opened")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()

    def cleanup(self) -> None:
        if os.environ.get("ENDPOINT_TURNS_KEEP"):
            print(f"     (logs kept in {self.dir})", flush=True)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def target(self, timeout: float) -> Target:
        base = self.endpoint["url"].replace("wss://", "https://", 1)
        return Target(base, self.args.ca, self.endpoint["token"], MODEL, timeout)


# ---------------------------------------------------------------- raw WebSocket helpers


class Seen:
    """Everything the endpoint's clients could read: frames, close reasons, CLI output."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, value) -> None:
        self.texts.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value))


async def exchange(connect, first_frame: dict | str, seen: Seen, timeout: float = 10) -> tuple[int | None, str, list]:
    """Sends `first_frame`, reads until the server closes; returns (code, reason, frames)."""
    frames = []
    async with asyncio.timeout(timeout):
        async with connect() as socket:
            await socket.send(first_frame if isinstance(first_frame, str) else json.dumps(first_frame))
            try:
                async for frame in socket:
                    frames.append(frame)
                    seen.add(frame)
            except websockets.exceptions.ConnectionClosed:
                pass
            code = socket.close_code
            reason = socket.close_reason or ""
    seen.add(reason)
    return code, reason, frames


def unix(path: str, query: str = ""):
    return lambda: websockets.unix_connect(path, f"ws://localhost{LIVE_PATH}{query}", max_size=None)


def tcp(stack: Stack, query: str = "", headers: dict | None = None, path: str = LIVE_PATH):
    context = ssl.create_default_context(cafile=stack.args.ca)
    url = stack.endpoint["url"] + path + query
    return lambda: websockets.connect(url, ssl=context, additional_headers=headers or {}, max_size=None)


def good_setup() -> dict:
    return {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"]}}}


# ---------------------------------------------------------------- checks


def check_endpoint(stack: Stack, report: Report, seen: Seen) -> None:
    info = stack.endpoint
    seen.add(json.dumps(info))
    report.check("endpoint.url", info["url"].startswith("wss://localhost:"), info["url"])
    socket_path = Path(info["socket"])
    mode = stat.S_IMODE(os.stat(socket_path).st_mode)
    report.check("endpoint.socket_mode", stat.S_ISSOCK(os.stat(socket_path).st_mode) and mode == 0o600,
                 f"{socket_path} mode {mode:o}")
    directory_mode = stat.S_IMODE(os.stat(socket_path.parent).st_mode)
    report.check("endpoint.directory_mode", directory_mode == 0o700, f"{socket_path.parent} mode {directory_mode:o}")
    token_file = Path(info["token_file"])
    token_mode = stat.S_IMODE(os.stat(token_file).st_mode)
    report.check("endpoint.token_file", token_mode == 0o600 and token_file.read_text().strip() == info.get("token"),
                 f"{token_file} mode {token_mode:o}, token {'matches' if token_file.read_text().strip() == info.get('token') else 'differs'}")
    report.check("endpoint.api_versions", info.get("api_versions") == ["v1beta", "v1alpha"], f"{info.get('api_versions')}")


async def check_sdk(stack: Stack, report: Report, seen: Seen, timeout: float) -> None:
    target = stack.target(timeout)
    before = stack.upstream_connections()
    for name, run in (("text", sdk_turns.check_text_turn), ("audio", sdk_turns.check_audio_turn),
                      ("tool", sdk_turns.check_tool_call), ("resume", sdk_turns.check_resumption)):
        started = time.monotonic()
        try:
            await run(target, report)
        except Exception as error:  # report and go on
            report.error(f"sdk.{name}", error)
        print(f"     ({name}: {time.monotonic() - started:.2f} s)", flush=True)
    report.check("sdk.upstream_connections", stack.upstream_connections() - before >= 5,
                 f"{stack.upstream_connections() - before} simulator connections for 4 SDK checks (resume uses two)")
    await sdk_turns.expect_refusal(
        target, report, "sdk.stale_handle_closed_as_the_service_does", model=MODEL, api_key=None, codes={1008},
        reason_has="session not found",
        config=types.LiveConnectConfig(
            response_modalities=[types.Modality.AUDIO],
            session_resumption=types.SessionResumptionConfig(handle="no-such-handle")))
    # While a client is connected, D-Bus tools see its session.
    async with asyncio.timeout(timeout):
        async with tcp(stack, f"?key={stack.endpoint['token']}")() as socket:
            await socket.send(json.dumps(good_setup()))
            first = json.loads(await socket.recv())
            seen.add(json.dumps(first))
            listing = stack.cli("sessions", "--json")
            seen.add(listing.stdout)
            sessions = json.loads(listing.stdout or "[]")
            ours = [s for s in sessions if s.get("owner") == "live-endpoint"]
            report.check("sdk.listed_on_dbus", "setupComplete" in first and len(ours) == 1
                         and ours[0].get("state") == "active" and ours[0].get("model") == MODEL,
                         f"first frame {list(first)}; ListSessions: {sessions}")


async def check_seeds(stack: Stack, report: Report, seen: Seen) -> None:
    socket_path = stack.endpoint["socket"]
    for name, frame, code, word in SEEDS:
        before = stack.upstream_connections()
        try:
            got_code, reason, frames = await exchange(unix(socket_path), frame, seen)
        except Exception as error:
            report.error(f"seeds.{name}", error)
            continue
        report.check(f"seeds.{name}", got_code == code and word.lower() in reason.lower()
                     and len(reason.encode()) <= 123 and not frames,
                     f"close {got_code} {reason!r} ({len(reason.encode())} bytes), {len(frames)} frame(s)")
        time.sleep(0.2)
        report.check(f"seeds.{name}.nothing_upstream", stack.upstream_connections() == before,
                     f"simulator connections {before} → {stack.upstream_connections()}")
    log = stack.gateway_log.read_text(errors="replace")
    refusals = log.count("refused a local client's setup before anything went to the service")
    report.check("seeds.explained_in_gateway_log", refusals >= len(SEEDS), f"{refusals} refusal(s) logged with the whole explanation")
    # The seeds' setup on the right path but under a wrong API version or path.
    try:
        code, reason, _ = await exchange(
            lambda: websockets.unix_connect(
                socket_path, "ws://localhost/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"),
            good_setup(), seen)
        report.check("seeds.v1_path_explained", code == 1008 and "v1beta" in reason, f"close {code} {reason!r}")
    except Exception as error:
        report.error("seeds.v1_path_explained", error)


async def check_auth(stack: Stack, report: Report, seen: Seen, timeout: float) -> None:
    before = stack.upstream_connections()
    cases = [
        ("auth.tcp_missing_key", tcp(stack), 1008, "unregistered callers"),
        ("auth.tcp_wrong_key", tcp(stack, "?key=not-the-token"), 1007, "API key not valid"),
        ("auth.tcp_real_key_is_not_the_token", tcp(stack, headers={"x-goog-api-key": stack.api_key}), 1007,
         "API key not valid"),
        ("auth.tcp_wrong_bearer", tcp(stack, headers={"Authorization": "Bearer nope"}), 1007, "API key not valid"),
    ]
    for name, connect, code, words in cases:
        try:
            got, reason, frames = await exchange(connect, good_setup(), seen)
            report.check(name, got == code and words in reason and not frames, f"close {got} {reason!r}")
        except Exception as error:
            report.error(name, error)
    for form, connect in (("?key", tcp(stack, f"?key={stack.endpoint['token']}")),
                          ("x-goog-api-key", tcp(stack, headers={"x-goog-api-key": stack.endpoint["token"]}))):
        try:
            async with asyncio.timeout(timeout):
                async with connect() as socket:
                    await socket.send(json.dumps(good_setup()))
                    first = json.loads(await socket.recv())
                    seen.add(json.dumps(first))
            report.check(f"auth.tcp_token_accepted.{form}", "setupComplete" in first, f"first frame {list(first)}")
        except Exception as error:
            report.error(f"auth.tcp_token_accepted.{form}", error)
    report.check("auth.refused_clients_sent_nothing_upstream", stack.upstream_connections() - before == 2,
                 f"{stack.upstream_connections() - before} simulator connection(s) for 4 refused and 2 accepted clients")
    await sdk_turns.expect_refusal(stack.target(timeout), report, "auth.sdk_wrong_token", model=MODEL,
                                   api_key="wrong-token", codes={1007}, reason_has="api key")

    # Another Unix user: the socket's permissions (and its directory's) keep it out.
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv:
        probe = ("import socket, sys\n"
                 "s = socket.socket(socket.AF_UNIX)\n"
                 "try:\n    s.connect(sys.argv[1]); print('connected')\n"
                 "except PermissionError: print('refused')\n"
                 "try:\n    open(sys.argv[2]).read(); print('read')\n"
                 "except PermissionError: print('refused')\n")
        result = subprocess.run(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", probe,
             stack.endpoint["socket"], stack.endpoint["token_file"]],
            capture_output=True, text=True, timeout=30)
        report.check("auth.other_user_refused", result.stdout.split() == ["refused", "refused"],
                     f"uid 65534: socket {result.stdout.split()[:1]}, token file {result.stdout.split()[1:2]} "
                     f"{result.stderr.strip()[-120:]}")
    else:
        owner = os.stat(stack.endpoint["socket"]).st_uid
        report.check("auth.other_user_refused",
                     owner == os.getuid() and stat.S_IMODE(os.stat(stack.endpoint["socket"]).st_mode) == 0o600,
                     "not root (or no setpriv): checked that the socket is ours and 0600 instead")

    listing = stack.cli("sessions", "--json")
    seen.add(listing.stdout)
    leaked = [text[:60] for text in seen.texts if stack.api_key in text]
    report.check("auth.real_key_never_seen", not leaked and len(seen.texts) > 10,
                 f"{len(seen.texts)} frames, close reasons and CLI outputs checked" + (f"; leaked in {leaked}" if leaked else ""))
    report.check("auth.real_key_not_in_gateway_log", stack.api_key not in stack.gateway_log.read_text(errors="replace"),
                 "the gateway's log")


async def check_goaway(stack: Stack, report: Report, timeout: float, seconds: float) -> None:
    target = stack.target(timeout)
    config = types.LiveConnectConfig(response_modalities=[types.Modality.AUDIO],
                                     output_audio_transcription=types.AudioTranscriptionConfig())
    before = stack.upstream_connections()
    asked = answered = 0
    saw_go_away = 0
    error_text = ""
    started = time.monotonic()
    try:
        async with asyncio.timeout(seconds + 3 * timeout):
            async with target.client().aio.live.connect(model=MODEL, config=config) as session:
                while time.monotonic() - started < seconds:
                    asked += 1
                    await session.send_client_content(
                        turns=types.Content(role="user", parts=[types.Part(text=f"Turn {asked}, please.")]),
                        turn_complete=True)
                    turn = await receive_turn(session, Turn())
                    saw_go_away += sum(1 for e in turn.events if e == "goAway")
                    if turn.turn_complete and turn.audio and f"(turn {asked})" in turn.output_transcript:
                        answered += 1
                    else:
                        error_text = f"turn {asked}: {' → '.join(_squash(turn.events))} {turn.output_transcript[-60:]!r}"
                    await asyncio.sleep(0.3)
    except Exception as error:
        error_text = f"{type(error).__name__}: {error}"
    moved = stack.upstream_connections() - before - 1
    report.check("goaway.no_exception", not error_text or error_text.startswith("turn"), error_text or "none")
    report.check("goaway.every_turn_answered", asked > 0 and answered == asked,
                 f"{answered} of {asked} turns answered in order, each naming its own turn" + (f"; {error_text}" if error_text else ""))
    report.check("goaway.handed_over_twice_or_more", moved >= 2,
                 f"the session used {moved + 1} simulator connections in {time.monotonic() - started:.1f} s")
    report.check("goaway.client_saw_no_goaway", saw_go_away == 0, f"{saw_go_away} goAway message(s) reached the SDK")


# ---------------------------------------------------------------- driver


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run python-genai and raw clients through the gateway's Live endpoint.")
    parser.add_argument("--bin", required=True, help="directory with gemini-live-gateway, gemini-live, gemini-live-simulator")
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per check (default 30)")
    parser.add_argument("--goaway-seconds", type=float, default=9.0, help="how long the goAway session runs")
    parser.add_argument("--only", default=",".join(CHECKS), help=f"comma-separated subset of {','.join(CHECKS)}")
    args = parser.parse_args()
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or not os.environ.get("TEST_DESKTOP_DIR"):
        parser.error("run inside the private test desktop (scripts/test-desktop.sh run -- …): the gateway takes the bus name")
    return args


async def main() -> int:
    args = parse_args()
    selected = set(args.only.split(","))
    report = Report()
    seen = Seen()
    print(f"google-genai {sdk_turns.genai.__version__} through the gateway's local Live endpoint", flush=True)
    if selected & {"endpoint", "sdk", "seeds", "auth"}:
        stack = Stack(args, "plain", ["--speed", "8"])
        try:
            stack.start()
            print(f"     (endpoint {stack.endpoint['url']}, socket {stack.endpoint['socket']})", flush=True)
            if "endpoint" in selected:
                check_endpoint(stack, report, seen)
            if "sdk" in selected:
                await check_sdk(stack, report, seen, args.timeout)
            if "seeds" in selected:
                await check_seeds(stack, report, seen)
            if "auth" in selected:
                await check_auth(stack, report, seen, args.timeout)
        except Exception as error:
            report.error("plain_stack", error)
        finally:
            stack.stop()
            stack.cleanup()
    if "goaway" in selected:
        # goAway 2.5 s before each connection's 4 s lifetime, then the service's 1011 close.
        stack = Stack(args, "goaway", ["--speed", "8", "--connection-lifetime", "4", "--go-away-time-left", "2.5"])
        try:
            stack.start()
            await check_goaway(stack, report, args.timeout, args.goaway_seconds)
        except Exception as error:
            report.error("goaway_stack", error)
        finally:
            stack.stop()
            stack.cleanup()
    print(f"{report.passed} passed, {report.failed} failed", flush=True)
    return 0 if report.failed == 0 and report.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
