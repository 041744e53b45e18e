#!/usr/bin/env python3
"""Print the table of scripts/bench-audio.sh from the drivers' JSON files, and write it out.

    report.py --gateway gateway.json [--genai genai.json] --meta meta.json --out results.txt

Writes results.txt (the table) and results.json (every figure, plus the raw driver output).
Nothing is asserted: the figures are printed, never compared with the targets.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

VOICE_RATE = 24_000


def fmt(value, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}{unit}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def maximum(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def summarize_gateway(g: dict) -> dict:
    n = g["sessions"]
    steady = g.get("steady", [])
    lat = [s["latency"] for s in steady]
    cpu = g.get("cpu_percent", {})
    rss_idle = g.get("rss_idle_kib", {})
    rss = g.get("rss_kib", {})
    interrupts = [r for r in g.get("interrupt", []) if "frames_after_return" in r]
    final = g.get("final", steady)
    out = {
        "cpu_per_session": (cpu.get("gateway") or 0) / n if cpu.get("gateway") is not None else None,
        "cpu_total": cpu.get("gateway"),
        "pipewire_cpu_per_session": cpu["pipewire"] / n if cpu.get("pipewire") is not None else None,
        "wireplumber_cpu_total": cpu.get("wireplumber"),
        "rss_idle_mb": rss_idle.get("gateway", 0) / 1024 if rss_idle.get("gateway") else None,
        "rss_mb": rss.get("gateway", 0) / 1024 if rss.get("gateway") else None,
        "pipewire_rss_idle_mb": rss_idle.get("pipewire", 0) / 1024 if rss_idle.get("pipewire") else None,
        "pipewire_rss_mb": rss.get("pipewire", 0) / 1024 if rss.get("pipewire") else None,
        "uplink_p50_ms": median([l.get("uplink_p50_ms") for l in lat]),
        "uplink_p99_ms": median([l.get("uplink_p99_ms") for l in lat]),
        "uplink_p99_max_ms": maximum([l.get("uplink_p99_ms") for l in lat]),
        "downlink_p50_ms": median([l.get("downlink_p50_ms") for l in lat]),
        "downlink_p99_ms": median([l.get("downlink_p99_ms") for l in lat]),
        "downlink_p99_max_ms": maximum([l.get("downlink_p99_ms") for l in lat]),
        "underruns": sum(s["underruns"] for s in steady),
        "underruns_final": sum(s["underruns"] for s in final),
        "sent_s": median([s["sent_s"] for s in final]),
        "received_s": median([s["received_s"] for s in final]),
        "played_s": median([s["played_s"] for s in final]),
        "dropped_s": sum(s["dropped_s"] for s in final),
        "turns": median([s["turn"] for s in final]),
        "interrupts_measured": len(interrupts),
        "interrupt_frames_after_max": maximum([r["frames_after_return"] for r in interrupts]),
        "interrupt_frames_after_median": median([r["frames_after_return"] for r in interrupts]),
        "interrupt_frames_during_call_max": maximum([r["frames_during_call"] for r in interrupts]),
        "interrupt_call_ms_median": median([r["call_ms"] for r in interrupts]),
    }
    if out["rss_mb"] is not None and out["rss_idle_mb"] is not None:
        out["rss_per_session_mb"] = (out["rss_mb"] - out["rss_idle_mb"]) / n
    out.update(memory_parts(g.get("memory_idle_kib", {}).get("gateway", {}), g.get("memory_kib", {}).get("gateway", {}), n))
    threads = g.get("gateway_threads_cpu_percent", {})
    if threads:
        out["cpu_by_thread_group"] = thread_groups(threads, n)
        out["network_path_cpu_per_session"] = out["cpu_by_thread_group"]["per_session"]["network_path"]
    return out


# The gateway's threads by role, from their names (/proc/PID/task/*/comm, 15 characters): PipeWire's
# realtime data thread(s) ("data-loop.0": the gateway names it so, since PipeWire 0.3.65 leaves it with
# the name of the pool thread that created the context), the pw_thread_loop (PipeWireLoop.Configuration.threadName), swift-nio's
# event loops, the Swift cooperative pool (Dispatch's root queues on Linux: "com.apple.root.default-qos"
# and its overcommit sibling, cut to "oot.default-qos", "-qos.overcommit"), and the rest (the main
# thread and threads named after the process, e.g. the D-Bus queue's).
THREAD_GROUPS = (
    ("pipewire_data", lambda name: name.startswith("data-loop")),
    ("pipewire_loop", lambda name: name.startswith("gemini-live-pw")),
    ("nio_event_loops", lambda name: name.startswith("NIO-ELT") or name.startswith("NIO-SGLTN")),
    ("swift_pool", lambda name: "qos" in name),
)


def thread_groups(threads: dict, n: int) -> dict:
    """CPU by thread role, % of one core in total and per session; the network path is the event
    loops, the pool and the rest (everything that is not PipeWire's)."""
    groups = {name: 0.0 for name, _ in THREAD_GROUPS}
    groups["other"] = 0.0
    for thread, value in threads.items():
        for name, matches in THREAD_GROUPS:
            if matches(thread):
                groups[name] += value
                break
        else:
            groups["other"] += value
    groups["network_path"] = groups["nio_event_loops"] + groups["swift_pool"] + groups["other"]
    groups["pipewire_side"] = groups["pipewire_data"] + groups["pipewire_loop"]
    return {"total": groups, "per_session": {k: v / n for k, v in groups.items()}}


def memory_parts(idle: dict, loaded: dict, n: int) -> dict:
    """Per-session growth of RssAnon and RssShmem, MB."""
    out = {}
    for key, name in (("RssAnon", "anon"), ("RssShmem", "shmem"), ("RssFile", "file")):
        if key in idle and key in loaded:
            out[f"{name}_per_session_mb"] = (loaded[key] - idle[key]) / 1024 / n
            out[f"{name}_idle_mb"] = idle[key] / 1024
    return out


def summarize_genai(p: dict) -> dict:
    n = p["sessions"]
    per = p.get("per_session", [])
    out = {
        "cpu_per_session": p["cpu_percent"] / n if p.get("cpu_percent") is not None else None,
        "cpu_total": p.get("cpu_percent"),
        "rss_idle_mb": p["rss_idle_kib"] / 1024 if p.get("rss_idle_kib") else None,
        "rss_mb": p["rss_kib"] / 1024 if p.get("rss_kib") else None,
        "send_p50_ms": p.get("send_p50_ms"),
        "send_p99_ms": p.get("send_p99_ms"),
        "sent_s": median([s["sent_s"] for s in per]),
        "received_s": median([s["received_s"] for s in per]),
        "turns": median([s["turns"] for s in per]),
    }
    if out["rss_mb"] is not None and out["rss_idle_mb"] is not None:
        out["rss_per_session_mb"] = (out["rss_mb"] - out["rss_idle_mb"]) / n
    out.update(memory_parts(p.get("memory_idle_kib", {}), p.get("memory_kib", {}), n))
    return out


def matrix(directory: str) -> int:
    """The summary of a --matrix run: one line per results-*.json in `directory`."""
    import glob
    rows = []
    for path in sorted(glob.glob(f"{directory}/results-*.json")):
        with open(path) as f:
            r = json.load(f)
        meta, g, p = r["meta"], r["gateway"], r.get("genai") or {}
        groups = (g.get("cpu_by_thread_group") or {}).get("per_session", {})
        rows.append((meta.get("chunk_ms"), meta.get("peer_kind") or "none", meta.get("sessions"), g.get("cpu_per_session"),
                     groups.get("network_path"), groups.get("pipewire_side"), p.get("cpu_per_session"), r.get("ratio"),
                     g.get("rss_idle_mb"), g.get("rss_per_session_mb"), g.get("uplink_p99_ms"), g.get("downlink_p99_ms"),
                     g.get("underruns")))
    header = ("chunk ms", "peer", "N", "gw %/s", "net %/s", "pw %/s", "peer %/s", "ratio", "RSS idle", "RSS/s MB",
              "up p99", "down p99", "underruns")
    lines = ["  ".join(f"{h:>9}" for h in header)]
    for row in rows:
        lines.append("  ".join(f"{fmt(v, 3) if isinstance(v, float) else str(v):>9}" for v in row))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(f"{directory}/matrix.txt", "w") as f:
        f.write(text)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway")
    parser.add_argument("--genai")
    parser.add_argument("--meta")
    parser.add_argument("--out")
    parser.add_argument("--matrix", help="summarize every results-*.json of this directory")
    args = parser.parse_args()
    if args.matrix:
        return matrix(args.matrix)
    if not (args.gateway and args.meta and args.out):
        parser.error("--gateway, --meta and --out are required (or --matrix DIR)")
    with open(args.meta) as f:
        meta = json.load(f)
    with open(args.gateway) as f:
        graw = json.load(f)
    praw = None
    if args.genai:
        with open(args.genai) as f:
            praw = json.load(f)
    g = summarize_gateway(graw)
    p = summarize_genai(praw) if praw else None
    n = graw["sessions"]
    ratio = None
    if p and p["cpu_per_session"] and g["cpu_per_session"]:
        ratio = p["cpu_per_session"] / g["cpu_per_session"]

    quantum = meta.get("quantum_frames_48k")
    quantum_24k = quantum // 2 if isinstance(quantum, int) else None
    rows: list[tuple[str, str, str]] = [
        ("CPU, % of one core per session", fmt(g["cpu_per_session"], 3), fmt(p and p["cpu_per_session"], 3)),
        (f"CPU, % of one core, whole process ({n} sessions)", fmt(g["cpu_total"], 2), fmt(p and p["cpu_total"], 2)),
        ("CPU ratio python-genai / gateway", fmt(ratio, 1, "x") if ratio else "n/a", ""),
        ("RSS idle, MB", fmt(g["rss_idle_mb"], 1), fmt(p and p["rss_idle_mb"], 1)),
        (f"RSS with {n} sessions, MB", fmt(g["rss_mb"], 1), fmt(p and p["rss_mb"], 1)),
        ("RSS per session, MB", fmt(g.get("rss_per_session_mb"), 2), fmt(p and p.get("rss_per_session_mb"), 2)),
        ("  of which anonymous / shared memory, MB",
         f"{fmt(g.get('anon_per_session_mb'), 2)} / {fmt(g.get('shmem_per_session_mb'), 2)}",
         f"{fmt(p and p.get('anon_per_session_mb'), 2)} / {fmt(p and p.get('shmem_per_session_mb'), 2)}" if p else ""),
        ("uplink p50 / p99, ms (median over sessions)",
         f"{fmt(g['uplink_p50_ms'], 3)} / {fmt(g['uplink_p99_ms'], 3)}",
         f"{fmt(p and p['send_p50_ms'], 3)} / {fmt(p and p['send_p99_ms'], 3)} (send_realtime_input)" if p else ""),
        ("uplink p99, ms (worst session)", fmt(g["uplink_p99_max_ms"], 3), ""),
        ("downlink p50 / p99, ms (median over sessions)",
         f"{fmt(g['downlink_p50_ms'], 3)} / {fmt(g['downlink_p99_ms'], 3)}", "not measured"),
        ("downlink p99, ms (worst session)", fmt(g["downlink_p99_max_ms"], 3), ""),
        ("underruns, all sessions (steady window / end)", f"{g['underruns']} / {g['underruns_final']}", ""),
        ("Interrupt: voice frames after the call returned, max (median)",
         f"{g['interrupt_frames_after_max']} ({fmt(g['interrupt_frames_after_median'], 0)})"
         + (f", bound {quantum_24k} = 1 quantum" if quantum_24k else ""), ""),
        ("Interrupt: sessions measured; call time median, ms",
         f"{g['interrupts_measured']}/{n}; {fmt(g['interrupt_call_ms_median'], 2)}", ""),
        ("audio per session: sent / received / played, s (median)",
         f"{fmt(g['sent_s'], 1)} / {fmt(g['received_s'], 1)} / {fmt(g['played_s'], 1)}",
         f"{fmt(p and p['sent_s'], 1)} / {fmt(p and p['received_s'], 1)} / -" if p else ""),
        ("turns per session (median)", fmt(g["turns"], 0), fmt(p and p["turns"], 0)),
        ("PipeWire daemon CPU, % of one core per session", fmt(g["pipewire_cpu_per_session"], 3), "-"),
        ("PipeWire daemon RSS idle / with sessions, MB",
         f"{fmt(g['pipewire_rss_idle_mb'], 1)} / {fmt(g['pipewire_rss_mb'], 1)}", "-"),
        ("WirePlumber CPU, % of one core (whole process)", fmt(g["wireplumber_cpu_total"], 2), "-"),
    ]
    width = max(len(r[0]) for r in rows)
    width1 = max(len(r[1]) for r in rows + [("", "gateway", "")])
    lines = [
        f"bench-audio: {n} session(s), {fmt(graw.get('window_s'), 1)} s steady window, "
        f"{graw['chunk_ms']} ms chunks, {meta.get('transport', '?')}, simulator --voice echo --speed {meta.get('speed')}",
        f"machine: {meta.get('cpus')} CPUs ({meta.get('cpu_model', '?')}), load before the run {meta.get('load', '?')}; "
        f"quantum {quantum if quantum else '?'} at 48 kHz; peer: {meta.get('peer', 'none')}",
        "",
        f"{'':<{width}}  {'gateway':<{width1}}  python-genai",
        f"{'-' * width}  {'-' * width1}  {'-' * 12}",
    ]
    lines += [f"{a:<{width}}  {b:<{width1}}  {c}" for a, b, c in rows]
    threads = sorted(graw.get("gateway_threads_cpu_percent", {}).items(), key=lambda kv: -kv[1])
    if threads:
        groups = g["cpu_by_thread_group"]
        lines += ["", "gateway CPU by thread role, % of one core (total / per session): "
                  + ", ".join(f"{name} {groups['total'][name]:.2f} / {groups['per_session'][name]:.3f}"
                              for name in ("pipewire_data", "pipewire_loop", "nio_event_loops", "swift_pool", "other",
                                           "network_path")),
                  "gateway CPU by thread, % of one core: "
                  + ", ".join(f"{name} {value:.2f}" for name, value in threads if value > 0)]
        if p and p.get("cpu_per_session") and g.get("network_path_cpu_per_session"):
            lines += [f"network path alone: python-genai / gateway = "
                      f"{p['cpu_per_session'] / g['network_path_cpu_per_session']:.1f}x"]
    if graw.get("player_errors"):
        lines += ["", "player errors: " + "; ".join(graw["player_errors"])]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(args.out, "w") as f:
        f.write(text)
    json_path = args.out.rsplit(".", 1)[0] + ".json"
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "gateway": g, "genai": p, "ratio": ratio,
                   "raw": {"gateway": graw, "genai": praw}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
