"""Parts 1 and 4 of bench/run.py: submissions against the ceiling app, cold start and memory."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

import loadgen
from harness import (
    BENCH,
    OUT,
    Server,
    Table,
    ceiling_server,
    count_rows,
    fresh,
    kiosk_cli,
    kiosk_server,
    machine_share,
    machine_ticks,
    make_token,
    ms,
    secs,
)

# --- part 1: submissions --------------------------------------------------------------------

def run_wrk(url: str, token, seconds: float, connections: int, threads: int) -> dict:
    nonce = os.urandom(4).hex()
    if isinstance(token, (list, tuple)):
        token = ",".join(token)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, int(round(seconds)))}s", "--timeout", "10s",
           "-s", str(BENCH / "submit.lua"), url, "--", token or "-", nonce]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    m = re.search(r"^WRKJSON (.*)$", out.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk failed: {out.stdout[-1000:]} {out.stderr[-1000:]}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["socket_errors"] = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
    return r


def run_python_saturation(url: str, token: str | None, seconds: float, connections: int) -> dict:
    """Fallback when wrk is missing: closed loop for about ``seconds``."""
    host, port = url.split("//")[1].split(":")
    probe = loadgen.closed(host, int(port), token, total=200, connections=connections)
    total = int(probe.summary()["rps"] * seconds) or 200
    r = loadgen.closed(host, int(port), token, total=total, connections=connections).summary()
    return {"requests": r["requests"], "rps": r["rps"], "created": r["created"],
            "duplicate": r["ok"] - r["created"], "other_status": r["other_status"],
            "socket_errors": r["errors"], "p50_us": r["p50"] * 1e6, "p99_us": r["p99"] * 1e6}


def saturate(server: Server, token, args) -> dict:
    if shutil.which("wrk"):
        warm = run_wrk(server.url, token, args.warmup, args.connections, args.wrk_threads)
        cpu, switches, ticks = server.cpu_seconds(), server.context_switches(), machine_ticks()
        r = run_wrk(server.url, token, args.duration, args.connections, args.wrk_threads)
        r["cpu_ms_per_request"] = (server.cpu_seconds() - cpu) * 1000 / max(1, r["requests"])
        # what bounds the rate: a machine with idle cores at saturation waits (for the GIL,
        # a lock, the disk), it does not compute; each wait is a context switch
        r["switches_per_request"] = (server.context_switches() - switches) / max(1, r["requests"])
        r["machine"] = machine_share(ticks, machine_ticks())
        r["warm_created"] = warm["created"]
        r["warm_errors"] = warm["other_status"] + warm["socket_errors"]
        return r
    return run_python_saturation(server.url, token, args.duration, args.connections)


def part_submit(args, table: Table):
    base = fresh(OUT / "submit")
    results, one = {}, None
    for name in ("ceiling", "project"):
        folder = fresh(base / name)
        if name == "ceiling":
            server, token, db = ceiling_server(folder, args.threads), None, folder / "ceiling.db"
        else:
            instance = folder / "instance"
            kiosk_cli(instance, "create-user", "admin", "--role", "admin", "--password-stdin",
                      input="bench-password-1234\n")
            # one credential per simulated tablet, as 16 tablets at 16 counters would have
            token = [make_token(instance, "kiosk", f"Quầy {i + 1}") for i in range(args.tablets)]
            server, db = kiosk_server(instance, args.threads), instance / "kiosk.db"
        server.start()
        try:
            sat = saturate(server, token, args)
            time.sleep(0.5)
            before = count_rows(db)
            paced = loadgen.paced("127.0.0.1", server.port, token, rate=args.rate, seconds=args.paced_seconds)
            ps = paced.summary()
            time.sleep(0.5)
            after = count_rows(db)
            lost = len(paced.acknowledged - _ids(db, paced.acknowledged))
            if name == "project" and args.tablets > 1 and not args.quick:
                # the same load from a single tablet credential (the integrity rules count
                # per tablet, so this is their worst case)
                one = run_wrk(server.url, token[0], args.duration, args.connections, args.wrk_threads)
        finally:
            server.stop()
        results[name] = (sat, ps, before, after, lost)
        print(f"    {name}: saturation {sat['rps']:.0f} req/s p50 {sat['p50_us'] / 1000:.1f} ms "
              f"p99 {sat['p99_us'] / 1000:.1f} ms; paced p99 {ps['p99'] * 1000:.1f} ms "
              f"(max send lag {ps['max_send_lag'] * 1000:.1f} ms)", flush=True)

    csat, cps, *_ = results["ceiling"]
    psat, pps, before, after, lost = results["project"]
    for name, (sat, ps, b, a, lo) in results.items():
        errors = (sat["other_status"] + sat["socket_errors"] + sat.get("warm_errors", 0)
                  + ps["other_status"] + ps["errors"])
        # wrk reports only answered requests, not their ids: the rows after it must be at
        # least its 201s, and at most those plus the requests in flight when it stopped
        # (≤ connections per wrk run). The paced client checks every acknowledged id.
        acked = sat["created"] + sat.get("warm_created", 0)
        in_flight = b - acked
        lo = lo + max(0, -in_flight)
        table.add("1 submit", f"{name}: requests/s, {args.connections} clients",
                  f"{sat['rps']:.0f}/s", "", None,
                  f"p50 {sat['p50_us'] / 1000:.1f} ms, p99 {sat['p99_us'] / 1000:.1f} ms; "
                  f"server CPU {sat.get('cpu_ms_per_request', 0):.2f} ms/request{_waits(sat)}")
        table.add("1 submit", f"{name}: errors / lost rows", f"{errors} / {lo}",
                  "0 / 0", errors == 0 and lo == 0 and 0 <= in_flight <= 2 * args.connections,
                  f"rows {a:,}; 201s {acked + ps['created']:,}; in flight at wrk's stop {in_flight}")
    ratio = psat["rps"] / csat["rps"] if csat["rps"] else 0
    table.add("1 submit", "project ÷ ceiling, requests/s", f"{ratio:.2f}", "≥ 0.8", ratio >= 0.8,
              f"{psat['rps']:.0f} vs {csat['rps']:.0f} req/s")
    table.add("1 submit", "project ÷ ceiling, p50 latency",
              f"{psat['p50_us'] / 1000:.1f} vs {csat['p50_us'] / 1000:.1f} ms", "", None,
              f"p99 {psat['p99_us'] / 1000:.1f} vs {csat['p99_us'] / 1000:.1f} ms")
    if one:
        table.add("1 submit", "project, all clients on one tablet token", f"{one['rps']:.0f}/s", "", None,
                  f"ratio {one['rps'] / csat['rps']:.2f}; p50 {one['p50_us'] / 1000:.1f} ms, p99 "
                  f"{one['p99_us'] / 1000:.1f} ms; errors {one['other_status'] + one['socket_errors']}")
    table.add("1 submit", f"p99 at a steady {args.rate:g} req/s (open loop)", ms(pps["p99"]),
              "< 50 ms", pps["p99"] < 0.050,
              f"ceiling {ms(cps['p99'])}; p50 {ms(pps['p50'])} vs {ms(cps['p50'])}; "
              f"max {ms(pps['max'])} vs {ms(cps['max'])}; {pps['requests']} requests each")


def _waits(sat: dict) -> str:
    """The note's tail on what the saturated server was waiting for (wrk runs only)."""
    if "machine" not in sat:
        return ""
    m = sat["machine"]
    return (f"; {sat['switches_per_request']:.0f} context switches/request; machine idle "
            f"{m['idle']:.0%}, steal {m['steal']:.0%}")


def _ids(db: Path, wanted: set[str]) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        have = set()
        wanted = list(wanted)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            have |= {r[0] for r in conn.execute(
                f"SELECT id FROM responses WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        return have
    finally:
        conn.close()


# --- part 4: cold start and memory ------------------------------------------------------------

def part_start(args, table: Table):
    instance = fresh(OUT / "start") / "instance"
    first = kiosk_server(instance, args.threads).start()  # first run creates the instance
    first_time = first.started_in
    first.stop()
    token = make_token(instance, "kiosk")
    times = []
    for _ in range(args.starts):
        s = kiosk_server(instance, args.threads).start()
        times.append(s.started_in)
        s.stop()
    med = statistics.median(times)
    table.add("4 start", "cold start → first /healthz (median)", secs(med), "< 1.5 s", med < 1.5,
              f"{args.starts} starts, max {secs(max(times))}; "
              f"first run (creates instance) {secs(first_time)}")
    s = kiosk_server(instance, args.threads).start()
    try:
        rss0, _ = s.rss_kb()
        res = loadgen.closed("127.0.0.1", s.port, token, total=args.rss_submissions,
                             connections=args.connections)
        rss, hwm = s.rss_kb()
    finally:
        s.stop()
    r = res.summary()
    lost = len(res.acknowledged - _ids(instance / "kiosk.db", res.acknowledged))
    table.add("4 start", f"RSS after {args.rss_submissions:,} submissions", f"{rss / 1024:.1f} MB",
              "< 80 MB", rss / 1024 < 80,
              f"peak {hwm / 1024:.1f} MB; at start {rss0 / 1024:.1f} MB; "
              f"{r['created']:,} created, {r['other_status'] + r['errors']} errors, {lost} lost")


