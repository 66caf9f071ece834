"""Parts 2, 3 and 5 of bench/run.py: the summary, the reports and the tablet."""
from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

from harness import BENCH, OUT, PY, ROOT, Table, count_rows, fresh, get, kiosk_cli, kiosk_env, kiosk_server, secs
from parts_scale import (
    ensure_rollups,
    exports,
    exports_script,
    province_rows,
    province_served_memory,
    served_memory,
    summary_against_scan,
)

# --- parts 2 and 3: summary and reports --------------------------------------------------------

def demo_db(n: int, days: int, regen: bool) -> Path:
    """bench/out/demo-N/instance/demo.db, generated once by `python -m kiosk demo-data`
    (which writes its own database, never kiosk.db)."""
    folder = OUT / f"demo-{n}-{days}d"
    db = folder / "instance" / "demo.db"
    if db.exists() and not regen:
        ensure_rollups(db, kiosk_cli)
        return db
    tmp = fresh(OUT / f"demo-{n}-{days}d.tmp")
    print(f"    generating {n:,} demo responses over {days} days (cached for later runs) ...", flush=True)
    t = time.perf_counter()
    kiosk_cli(tmp / "instance", "demo-data", "--responses", str(n), "--days", str(days))
    print(f"    generated in {time.perf_counter() - t:.0f} s", flush=True)
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    return db


def date_span(db: Path) -> tuple[str, str]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT min(local_date), max(local_date) FROM responses").fetchone()
    finally:
        conn.close()


def timed_process(argv, env=None) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    return time.perf_counter() - t, r


def in_process(db: Path, d_from: str, d_to: str, fmt: str, repeat: int) -> list[dict]:
    """bench/time_summary.py in a fresh interpreter: summarize() and rendering timed apart."""
    dt, r = timed_process([PY, str(BENCH / "time_summary.py"), "--db", str(db), "--from", d_from,
                           "--to", d_to, "--format", fmt, "--repeat", str(repeat)])
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout)


def part_summary(args, table: Table):
    n = args.summary_responses
    db = demo_db(n, 365, args.regen)
    d_from, d_to = date_span(db)
    rows = count_rows(db)
    cli = []
    for _ in range(args.repeat):
        dt, r = timed_process([PY, "-m", "analysis", "summary", "--db", str(db), "--from", d_from,
                               "--to", d_to, "--format", "json", "-o", str(OUT / "summary.json")])
        if r.returncode != 0:
            raise RuntimeError(f"analysis summary failed: {r.stderr[-2000:]}")
        cli.append(dt)
    inner = in_process(db, d_from, d_to, "json", args.repeat)
    calls = [x["summarize"] for x in inner]
    table.add("2 summary", f"summarize() over {rows:,} responses (median)", secs(statistics.median(calls)),
              "≤ 0.1 s", statistics.median(calls) <= 0.1,
              f"in-process, from the rollups; {d_from}..{d_to}; runs {', '.join(f'{c:.3f}' for c in calls)} s")
    table.add("2 summary", "CLI process, json (median)", secs(statistics.median(cli)), "< 0.5 s",
              statistics.median(cli) < 0.5,
              f"whole `python -m analysis summary`, start-up included; import {inner[0]['import']:.2f} s")
    summary_against_scan(table, db, rows, cli, calls, args.repeat)
    province_rows(table, db)
    # the API
    instance = db.parent
    token = kiosk_cli(instance, "create-token", "bench-leader", "--role", "leader",
                      env=kiosk_env(instance, KIOSK_DEMO_MODE="1")).stdout.strip()
    server = kiosk_server(instance, args.threads, {"KIOSK_DEMO_MODE": "1"}).start()
    try:
        url = f"{server.url}/api/v1/summary?from={d_from}&to={d_to}"
        status, _ = get(url, token)
        if status == 404:
            table.add("2 summary", "GET /api/v1/summary", "not there", "< 0.5 s", None,
                      "route not in kiosk/api.py yet (404)")
            return
        api = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            status, body = get(url, token)
            api.append(time.perf_counter() - t)
            if status != 200:
                raise RuntimeError(f"GET /api/v1/summary: {status} {body[:300]!r}")
        med = statistics.median(api)
        table.add("2 summary", "GET /api/v1/summary (median)", secs(med), "< 0.5 s", med < 0.5,
                  f"runs {', '.join(f'{c:.2f}' for c in api)} s; {len(body):,} bytes")
        served_memory(table, server, d_from, d_to, token, rows, args.threads)
    finally:
        server.stop()
    demo = {"KIOSK_DEMO_MODE": "1"}
    province_served_memory(
        table, args.threads, lambda inst: kiosk_server(inst, args.threads, demo).start(),
        lambda inst: kiosk_cli(inst, "create-token", "bench-province", "--role", "leader", "--all-units",
                               env=kiosk_env(inst, **demo)).stdout.strip())


def part_reports(args, table: Table):
    n = args.report_responses
    db = demo_db(n, 365, args.regen)
    d_from, d_to = date_span(db)
    for fmt in ("xlsx", "pdf"):
        runs = []
        for _ in range(args.repeat):
            dt, r = timed_process([PY, "-m", "analysis", "summary", "--db", str(db), "--from", d_from,
                                   "--to", d_to, "--format", fmt, "-o", str(OUT / f"report.{fmt}")])
            if r.returncode != 0:
                raise RuntimeError(f"analysis summary --format {fmt} failed: {r.stderr[-2000:]}")
            runs.append(dt)
        inner = in_process(db, d_from, d_to, fmt, 1)[0]
        med = statistics.median(runs)
        size = (OUT / f"report.{fmt}").stat().st_size
        table.add("3 reports", f"{fmt.upper()} report, {count_rows(db):,} responses (CLI, median)",
                  secs(med), "< 3 s", med < 3,
                  f"in a fresh process: summarize {inner['summarize']:.3f} s + render {inner['render']:.3f} s; "
                  f"the rest is start-up; {size / 1024:.0f} KB")
    apart = exports_script("pdf-apart", db, str(OUT / "report-apart.pdf"))
    table.add("3 reports", "PDF report as the server makes it (its own process)", secs(apart["seconds"]), "< 3 s",
              apart["seconds"] < 3, f"a new interpreter makes the document and ends: it peaked at "
              f"{apart['child_peak_rss_mb']:.0f} MB, none of which stays with the server")
    big = OUT / f"demo-{args.summary_responses}-365d" / "instance" / "demo.db"
    exports(table, db, big if big.exists() else db, count_rows(db), count_rows(big if big.exists() else db))


# --- part 5: the tablet -----------------------------------------------------------------------

def part_tablet(args, table: Table):
    import tablet_bench
    tablet_bench.run(args, table, OUT, kiosk_server, kiosk_cli, fresh)


