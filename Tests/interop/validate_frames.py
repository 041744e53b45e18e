#!/usr/bin/env python3
"""Validate client frames our Swift LiveClient sent against the official SDK's schema.

Input: a JSON-lines file, one client frame (a JSON object) per line, as written by the
LiveClient tests when GEMINI_LIVE_FRAMES_OUT is set.

Each frame is checked twice:

1. The schema oracle: ``google.genai.types.LiveClientMessage.model_validate`` from the pinned
   google-genai release (extra='forbid', so unknown or misplaced fields and wrong container
   types fail). Known gap: ``LiveClientSetup`` has no ``realtimeInputConfig`` field although
   the SDK's own converter sends it. We remove ``setup.realtimeInputConfig`` before validating
   the setup and validate it on its own with ``types.RealtimeInputConfig.model_validate``.
2. Wire rules the pydantic model cannot check:
   - exactly one top-level key, spelled in camelCase (setup, clientContent, realtimeInput,
     toolResponse, contextUpdate);
   - camelCase keys everywhere except inside user-owned JSON (function call args, function
     response payloads, parameter/response schemas, labels);
   - systemInstruction is a Content object, never a bare string;
   - enum values are exact members (the SDK's enums accept unknown values and any case);
   - bytes fields use the standard base64 alphabet (+ and /, padded);
   - realtimeInput carries exactly one field, never the deprecated mediaChunks (the service
     closes 1007 on it although the SDK still sends it for ``media=``); every function response
     has an id.

Usage:
    validate_frames.py FRAMES.jsonl
    validate_frames.py --self-test     # checks the validator against fixtures/*.jsonl

Prints one line per failing frame, then ``N passed, N failed``. Exits non-zero when any
frame failed, or when the file is missing or holds no frames.
"""

from __future__ import annotations

import argparse
import copy
import enum
import json
import re
import sys
import typing
import warnings
from pathlib import Path

try:
    import pydantic
    from google.genai import types
except ImportError as error:  # pragma: no cover - environment problem
    sys.exit(f"validate_frames: cannot import google-genai ({error}); run scripts/interop-venv.sh")

HERE = Path(__file__).resolve().parent

TOP_LEVEL_KEYS = ("setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
STANDARD_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")

# Keys whose values are caller-owned JSON: their inner keys are not ours to check.
USER_OWNED_KEYS = {
    "args",                 # FunctionCall.args
    "parameters",           # FunctionDeclaration.parameters (OpenAPI schema; property names are the caller's)
    "parametersJsonSchema",
    "responseJsonSchema",
    "labels",
}
# `response` is user-owned inside a function response and a function declaration.
USER_OWNED_RESPONSE_PARENTS = ("functionResponses", "functionResponse", "functionDeclarations")


class Frame:
    """One line of the input and the problems found in it."""

    def __init__(self, line_number: int, text: str):
        self.line_number = line_number
        self.text = text
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    @property
    def kind(self) -> str:
        try:
            value = json.loads(self.text)
            return ",".join(value) if isinstance(value, dict) else type(value).__name__
        except ValueError:
            return "?"


# ---------------------------------------------------------------- the pydantic oracle


def pydantic_errors(model: type[pydantic.BaseModel], value: typing.Any, prefix: str) -> tuple[list[str], typing.Any]:
    """Validates; returns (error lines, instance or None).

    The SDK's enums accept unknown values with a warning; the warning is silenced here and
    enum_check() reports the value with its path instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return [], model.model_validate(value)
        except pydantic.ValidationError as error:
            lines = []
            for item in error.errors():
                where = ".".join(filter(None, [prefix, ".".join(str(part) for part in item["loc"])]))
                lines.append(f"{model.__name__}: {where}: {item['msg']} ({item['type']})")
            return lines, None


def oracle_check(frame: Frame, value: dict) -> None:
    message = copy.deepcopy(value)
    realtime_input_config = None
    setup = message.get("setup")
    if isinstance(setup, dict):
        # Known gap (LiveClientSetup lacks the field the SDK's converter sends): validate apart.
        for key in ("realtimeInputConfig", "realtime_input_config"):
            if key in setup:
                realtime_input_config = setup.pop(key)
                ric_errors, ric = pydantic_errors(types.RealtimeInputConfig, realtime_input_config,
                                                  f"setup.{key}")
                for line in ric_errors:
                    frame.fail(line)
                if ric is not None:
                    enum_check(frame, ric, realtime_input_config, f"setup.{key}")
    errors, instance = pydantic_errors(types.LiveClientMessage, message, "")
    for line in errors:
        frame.fail(line)
    if instance is not None:
        enum_check(frame, instance, message, "")
        bytes_check(frame, instance, message, "")


# ---------------------------------------------------------------- model-guided walks


def _raw_member(raw: dict, name: str, alias: str | None) -> typing.Any:
    if alias and alias in raw:
        return raw[alias]
    return raw.get(name)


def _walk(instance: typing.Any, raw: typing.Any, path: str):
    """Yields (path, model value, raw value) for every field of a validated model tree."""
    if isinstance(instance, pydantic.BaseModel) and isinstance(raw, dict):
        for name, field in type(instance).model_fields.items():
            value = getattr(instance, name, None)
            if value is None:
                continue
            member = _raw_member(raw, name, field.alias)
            child = f"{path}.{field.alias or name}" if path else (field.alias or name)
            yield child, value, member
            yield from _walk(value, member, child)
    elif isinstance(instance, list) and isinstance(raw, list):
        for index, (item, raw_item) in enumerate(zip(instance, raw)):
            yield f"{path}[{index}]", item, raw_item
            yield from _walk(item, raw_item, f"{path}[{index}]")


def enum_check(frame: Frame, instance: typing.Any, raw: typing.Any, path: str) -> None:
    for where, value, member in _walk(instance, raw, path):
        if isinstance(value, enum.Enum):
            allowed = {m.value for m in type(value)}
            if member not in allowed:
                frame.fail(f"{where}: {member!r} is not a {type(value).__name__} "
                           f"(one of {', '.join(sorted(str(a) for a in allowed))})")


def bytes_check(frame: Frame, instance: typing.Any, raw: typing.Any, path: str) -> None:
    for where, value, member in _walk(instance, raw, path):
        if isinstance(value, (bytes, bytearray)):
            if not isinstance(member, str) or not STANDARD_BASE64.match(member):
                shown = member if isinstance(member, str) and len(member) <= 24 else f"{str(member)[:24]}…"
                frame.fail(f"{where}: not standard base64 (A-Z a-z 0-9 + /, padded): {shown!r}")


# ---------------------------------------------------------------- raw wire rules


def camel_case_check(frame: Frame, value: typing.Any, path: str, parent_key: str = "") -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            camel_case_check(frame, item, f"{path}[{index}]", parent_key)
        return
    if not isinstance(value, dict):
        return
    for key, member in value.items():
        where = f"{path}.{key}" if path else key
        if not CAMEL.match(key):
            frame.fail(f"{where}: key is not lowerCamelCase")
        if key in USER_OWNED_KEYS:
            continue
        if key == "response" and parent_key in USER_OWNED_RESPONSE_PARENTS:
            continue
        camel_case_check(frame, member, where, key)


def wire_rules(frame: Frame, value: dict) -> None:
    keys = list(value)
    if len(keys) != 1:
        frame.fail(f"expected exactly one top-level key, found {len(keys)}: {keys}")
    for key in keys:
        if key not in TOP_LEVEL_KEYS:
            frame.fail(f"top-level key {key!r} is not one of {', '.join(TOP_LEVEL_KEYS)}")
    camel_case_check(frame, value, "")

    for container in ("setup", "contextUpdate"):
        body = value.get(container)
        if isinstance(body, dict) and "systemInstruction" in body:
            instruction = body["systemInstruction"]
            if not isinstance(instruction, dict):
                frame.fail(f"{container}.systemInstruction must be a Content object "
                           f"{{\"parts\": [{{\"text\": …}}]}}, not {type(instruction).__name__}")

    realtime = value.get("realtimeInput")
    if isinstance(realtime, dict) and "mediaChunks" in realtime:
        frame.fail("realtimeInput.mediaChunks: the service closes 1007 \"realtime_input.media_chunks is deprecated. "
                   "Use audio, video, or text instead.\"; send realtimeInput.audio or .video")
    if isinstance(realtime, dict) and len(realtime) != 1:
        frame.fail(f"realtimeInput must carry exactly one field, found {sorted(realtime)}")

    tool_response = value.get("toolResponse")
    if isinstance(tool_response, dict):
        for index, response in enumerate(tool_response.get("functionResponses") or []):
            if isinstance(response, dict) and not response.get("id"):
                frame.fail(f"toolResponse.functionResponses[{index}]: missing id (the Gemini API requires it)")


# ---------------------------------------------------------------- driver


def check_frame(frame: Frame) -> None:
    try:
        value = json.loads(frame.text)
    except ValueError as error:
        frame.fail(f"not JSON: {error}")
        return
    if not isinstance(value, dict):
        frame.fail(f"not a JSON object: {type(value).__name__}")
        return
    wire_rules(frame, value)
    oracle_check(frame, value)


def read_frames(path: Path) -> list[Frame]:
    frames = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if line and not line.startswith("//"):
                frames.append(Frame(number, line))
    return frames


def validate(path: Path, quiet: bool = False) -> tuple[int, int]:
    frames = read_frames(path)
    passed = failed = 0
    for frame in frames:
        check_frame(frame)
        if frame.problems:
            failed += 1
            if not quiet:
                print(f"FAIL {path.name}:{frame.line_number} ({frame.kind})")
                for problem in frame.problems:
                    print(f"     - {problem}")
        else:
            passed += 1
    return passed, failed


def self_test() -> int:
    """The validator must pass every good fixture frame and fail every bad one."""
    good = HERE / "fixtures" / "good_frames.jsonl"
    bad = HERE / "fixtures" / "bad_frames.jsonl"
    passed = failed = 0
    for frame in read_frames(good):
        check_frame(frame)
        if frame.problems:
            failed += 1
            print(f"FAIL good frame {good.name}:{frame.line_number} was rejected: {frame.problems}")
        else:
            passed += 1
    for frame in read_frames(bad):
        check_frame(frame)
        if frame.problems:
            passed += 1
            print(f"ok   bad frame {bad.name}:{frame.line_number} rejected: {frame.problems[0]}")
        else:
            failed += 1
            print(f"FAIL bad frame {bad.name}:{frame.line_number} was accepted: {frame.text[:100]}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frames", nargs="?", help="JSON-lines file of client frames")
    parser.add_argument("--self-test", action="store_true", help="check the validator against its fixtures")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args()

    if args.self_test:
        return self_test()
    if not args.frames:
        parser.error("give a frames file (or --self-test)")
    path = Path(args.frames)
    if not path.is_file():
        print(f"validate_frames: {path}: no such file (did the Swift tests run with GEMINI_LIVE_FRAMES_OUT set?)")
        print("0 passed, 1 failed")
        return 1
    passed, failed = validate(path, quiet=args.quiet)
    if passed + failed == 0:
        print(f"validate_frames: {path}: no frames")
        print("0 passed, 1 failed")
        return 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
