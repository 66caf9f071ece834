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
import rounds
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


def _loaded(server: Server, token, seconds: float, args) -> dict:
    """One wrk run with what the server spent on it: CPU, context switches (a thread that
    waits for the GIL, a lock, a wake-up or the disk gives up its core: a machine with idle
    cores at saturation waits, it does not compute) and the machine's ticks by kind."""
    cpu, switches, ticks = server.cpu_seconds(), server.context_switches(), machine_ticks()
    r = run_wrk(server.url, token, seconds, args.connections, args.wrk_threads)
    r["cpu_s"] = server.cpu_seconds() - cpu
    r["switches"] = server.context_switches() - switches
    r["ticks"] = [b - a for a, b in zip(ticks, machine_ticks(), strict=True)]
    return r


def saturate_in_turn(servers: dict, args) -> tuple[dict, dict]:
    """Every server warmed, then loaded in ``args.rounds`` alternating rounds
    (``rounds.order``): {name: combined run}, and {name: its rounds} (none without wrk)."""
    if not shutil.which("wrk"):  # the fallback client: one closed-loop run each
        return {name: run_python_saturation(s.url, t, args.duration, args.connections)
                for name, (s, t) in servers.items()}, {}
    warm = {name: run_wrk(s.url, t, args.warmup, args.connections, args.wrk_threads)
            for name, (s, t) in servers.items()}
    runs = {name: [] for name in servers}
    seconds = max(2.0, args.duration / args.rounds)
    for i, name in rounds.order(list(servers), args.rounds):
        server, token = servers[name]
        runs[name].append(_loaded(server, token, seconds, args))
        print(f"    round {i + 1} {name}: {runs[name][-1]['rps']:.0f} req/s, "
              f"steal {rounds.steal(runs[name][-1]):.0%}", flush=True)
    out = {}
    for name, done in runs.items():
        out[name] = rounds.combine(done)
        out[name]["warm_created"] = warm[name]["created"]
        out[name]["warm_errors"] = warm[name]["other_status"] + warm[name]["socket_errors"]
    return out, runs


def part_submit(args, table: Table):
    base = fresh(OUT / "submit")
    servers, dbs, one = {}, {}, None
    folder = fresh(base / "ceiling")
    servers["ceiling"], dbs["ceiling"] = (ceiling_server(folder, args.threads), None), folder / "ceiling.db"
    instance = fresh(base / "project") / "instance"
    kiosk_cli(instance, "create-user", "admin", "--role", "admin", "--password-stdin",
              input="bench-password-1234\n")
    # one credential per simulated tablet, as 16 tablets at 16 counters would have
    token = [make_token(instance, "kiosk", f"Quầy {i + 1}") for i in range(args.tablets)]
    servers["project"], dbs["project"] = (kiosk_server(instance, args.threads), token), instance / "kiosk.db"
    results = {}
    try:
        for server, _ in servers.values():  # both up at once: the idle one waits in select()
            server.start()
        sats, runs = saturate_in_turn(servers, args)
        for name, (server, tok) in servers.items():
            time.sleep(0.5)
            before = count_rows(dbs[name])
            paced = loadgen.paced("127.0.0.1", server.port, tok, rate=args.rate, seconds=args.paced_seconds)
            ps = paced.summary()
            time.sleep(0.5)
            after = count_rows(dbs[name])
            lost = len(paced.acknowledged - _ids(dbs[name], paced.acknowledged))
            results[name] = (sats[name], ps, before, after, lost)
            sat = sats[name]
            print(f"    {name}: saturation {sat['rps']:.0f} req/s p50 {sat['p50_us'] / 1000:.1f} ms "
                  f"p99 {sat['p99_us'] / 1000:.1f} ms; paced p99 {ps['p99'] * 1000:.1f} ms "
                  f"(max send lag {ps['max_send_lag'] * 1000:.1f} ms)", flush=True)
        if args.tablets > 1 and not args.quick:
            # the same load from a single tablet credential (the integrity rules count
            # per tablet, so this is their worst case)
            one = run_wrk(servers["project"][0].url, token[0], args.duration, args.connections,
                          args.wrk_threads)
    finally:
        for server, _ in servers.values():
            server.stop()

    csat, cps, *_ = results["ceiling"]
    psat, pps, before, after, lost = results["project"]
    for name, (sat, ps, b, a, lo) in results.items():
        errors = (sat["other_status"] + sat["socket_errors"] + sat.get("warm_errors", 0)
                  + ps["other_status"] + ps["errors"])
        # wrk reports only answered requests, not their ids: the rows after it must be at
        # least its 201s, and at most those plus the requests in flight when each wrk run
        # stopped (≤ connections per run). The paced client checks every acknowledged id.
        acked = sat["created"] + sat.get("warm_created", 0)
        in_flight = b - acked
        lo = lo + max(0, -in_flight)
        wrk_runs = sat.get("rounds", 1) + 1
        table.add("1 submit", f"{name}: requests/s, {args.connections} clients",
                  f"{sat['rps']:.0f}/s", "", None,
                  f"p50 {sat['p50_us'] / 1000:.1f} ms, p99 {sat['p99_us'] / 1000:.1f} ms; "
                  f"server CPU {sat.get('cpu_ms_per_request', 0):.2f} ms/request{_waits(sat)}")
        table.add("1 submit", f"{name}: errors / lost rows", f"{errors} / {lo}", "0 / 0",
                  errors == 0 and lo == 0 and 0 <= in_flight <= wrk_runs * args.connections,
                  f"rows {a:,}; 201s {acked + ps['created']:,}; in flight at wrk's stops {in_flight}")
    if runs:
        ratio, met, note = rounds.verdict(runs["project"], runs["ceiling"], 0.8)
        cpu = csat["cpu_ms_per_request"] / psat["cpu_ms_per_request"] if psat["cpu_ms_per_request"] else 0
        table.add("1 submit", "project ÷ ceiling, requests/s (rounds in turn)",
                  "—" if ratio is None else f"{ratio:.2f}", "≥ 0.8", met,
                  f"{note}; overall {psat['rps']:.0f} vs {csat['rps']:.0f} req/s; "
                  f"CPU per request ceiling ÷ project {cpu:.2f}")
    else:
        ratio = psat["rps"] / csat["rps"] if csat["rps"] else 0
        table.add("1 submit", "project ÷ ceiling, requests/s (one run each)", f"{ratio:.2f}", "≥ 0.8",
                  ratio >= 0.8, f"{psat['rps']:.0f} vs {csat['rps']:.0f} req/s; without wrk, not in turn")
    table.add("1 submit", "project ÷ ceiling, p50 latency",
              f"{psat['p50_us'] / 1000:.1f} vs {csat['p50_us'] / 1000:.1f} ms", "", None,
              f"p99 {psat['p99_us'] / 1000:.1f} vs {csat['p99_us'] / 1000:.1f} ms (worst round)")
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
              f"{s.apart_kb / 1024:.1f} MB of it the writer process's own; "
              f"{r['created']:,} created, {r['other_status'] + r['errors']} errors, {lost} lost")


