"""Benchmarks of issue 7: one command, one table, each figure beside its goal.

    python bench/run.py                 # the full run (≈ 10–15 min on a 2-core machine)
    python bench/run.py --quick         # small sizes, a couple of minutes
    python bench/run.py --parts submit,start
    python bench/run.py --help

Parts (run in this order):
  submit   ratings under 16 concurrent clients, project vs a bare Flask+waitress+SQLite
           app (bench/ceiling_app.py); then p99 at a steady 100 requests/s (open loop)
  start    cold start of `python -m kiosk` to the first answered /healthz; RSS after
           10,000 submissions
  summary  the full summary over 1,000,000 demo responses: CLI and GET /api/v1/summary
  reports  Excel and PDF reports for a year of 100,000 responses
  tablet   the tablet page in headless Chromium: bytes on first load and per rating,
           requests to other hosts, tap-to-thank-you time

Generated demo databases are cached under bench/out/ (gitignored); --regen rebuilds them.
See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))
import loadgen  # noqa: E402

PY = sys.executable
PARTS = ("submit", "start", "summary", "reports", "tablet")
ALWAYS_OPEN = {str(d): ["00:00-23:59"] for d in range(7)}


# --- helpers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = None, timeout: float = 60.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def kiosk_env(instance: Path, **extra) -> dict:
    return {**os.environ, "KIOSK_INSTANCE": str(instance), **extra}


def kiosk_cli(instance: Path, *args, input=None, env=None) -> subprocess.CompletedProcess:
    r = subprocess.run([PY, "-m", "kiosk", *args], cwd=ROOT, env=env or kiosk_env(instance),
                       input=input, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise RuntimeError(f"python -m kiosk {' '.join(args)} failed: {r.stderr[-2000:]}")
    return r


def make_token(instance: Path, role: str, name: str | None = None) -> str:
    return kiosk_cli(instance, "create-token", name or f"bench-{role}", "--role", role).stdout.strip()


class Server:
    """A server subprocess with its output in a log file (an unread pipe blocks waitress)."""

    def __init__(self, argv: list[str], env: dict, log: Path, port: int):
        self.argv, self.env, self.log_path, self.port = argv, env, log, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.started_in = None

    def start(self, timeout: float = 30.0) -> Server:
        self.log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        self.started_in = time.perf_counter() - t0
                        return self
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz; see {self.log_path}")

    def rss_kb(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the server process in kB, from /proc."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", text).group(1))
        hwm = int(re.search(r"VmHWM:\s+(\d+)", text).group(1))
        return rss, hwm

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far, from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


def kiosk_server(instance: Path, threads: int, env_extra: dict | None = None) -> Server:
    port = free_port()
    return Server([PY, "-m", "kiosk", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--threads", str(threads)],
                  kiosk_env(instance, **(env_extra or {})), instance.parent / f"{instance.name}.log",
                  port)


def ceiling_server(folder: Path, threads: int) -> Server:
    port = free_port()
    return Server([PY, str(BENCH / "ceiling_app.py"), "--db", str(folder / "ceiling.db"),
                   "--port", str(port), "--threads", str(threads)],
                  dict(os.environ), folder / "ceiling.log", port)


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def count_rows(db: Path, table: str = "responses") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def secs(seconds) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


# --- the results table ----------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, part, measure, value, goal="", ok=None, note=""):
        status = "" if ok is None else ("OK" if ok else "MISSED")
        self.rows.append({"part": part, "measure": measure, "value": value, "goal": goal,
                          "status": status, "note": note})
        print(f"  [{part}] {measure}: {value}  {goal} {status}  {note}", flush=True)

    def render(self, machine: list[tuple[str, str]]) -> str:
        lines = ["Machine"]
        w = max(len(k) for k, _ in machine)
        lines += [f"  {k.ljust(w)}  {v}" for k, v in machine]
        lines.append("")
        cols = ("part", "measure", "value", "goal", "status", "note")
        widths = {c: max([len(c)] + [len(str(r[c])) for r in self.rows]) for c in cols}
        widths["note"] = min(widths["note"], 70)
        head = " | ".join(c.ljust(widths[c]) for c in cols)
        lines += [head, "-+-".join("-" * widths[c] for c in cols)]
        for r in self.rows:
            lines.append(" | ".join(str(r[c]).ljust(widths[c]) for c in cols).rstrip())
        return "\n".join(lines)


# --- machine ------------------------------------------------------------------------------

def fsync_latency(folder: Path, n: int = 200) -> float:
    """Median time of a 4 KiB write + fsync in ``folder`` (what each durable commit pays)."""
    path = folder / "fsync.probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    times = []
    try:
        for i in range(n):
            t = time.perf_counter()
            os.pwrite(fd, os.urandom(4096), (i % 16) * 4096)
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(times)


def machine_details() -> list[tuple[str, str]]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    df = subprocess.run(["df", "-hT", str(OUT)], capture_output=True, text=True).stdout.splitlines()
    disk = " ".join(df[-1].split()[:3]) if len(df) > 1 else "?"
    dev = df[-1].split()[0].rsplit("/", 1)[-1] if len(df) > 1 else ""
    rot = Path(f"/sys/block/{dev}/queue/rotational")
    kind = ("rotational" if rot.read_text().strip() == "1" else "non-rotational") if rot.exists() else ""
    wrk = shutil.which("wrk")
    stack = f"Flask {_dist_version('flask')}, waitress {_dist_version('waitress')}"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("Stack", stack),
        ("Disk", f"{disk} {kind}; fsync(4 KiB) median {fsync_latency(OUT) * 1000:.2f} ms"),
        ("Load generator",
         f"{'wrk (' + wrk + ')' if wrk else 'not found'} + bench/loadgen.py (asyncio), on the same cores"),
        ("Date", time.strftime("%Y-%m-%d %H:%M %Z")),
    ]


def _dist_version(name: str) -> str:
    from importlib.metadata import version
    try:
        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


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
        cpu = server.cpu_seconds()
        r = run_wrk(server.url, token, args.duration, args.connections, args.wrk_threads)
        r["cpu_ms_per_request"] = (server.cpu_seconds() - cpu) * 1000 / max(1, r["requests"])
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
                  f"server CPU {sat.get('cpu_ms_per_request', 0):.2f} ms/request")
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


# --- parts 2 and 3: summary and reports --------------------------------------------------------

def demo_db(n: int, days: int, regen: bool) -> Path:
    """bench/out/demo-N/instance/kiosk.db, generated once by `python -m kiosk demo-data`."""
    folder = OUT / f"demo-{n}-{days}d"
    db = folder / "instance" / "kiosk.db"
    if db.exists() and not regen:
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
              "< 0.5 s", statistics.median(calls) < 0.5,
              f"{d_from}..{d_to}; runs {', '.join(f'{c:.2f}' for c in calls)} s")
    table.add("2 summary", "CLI process, json (median)", secs(statistics.median(cli)), "< 0.5 s",
              statistics.median(cli) < 0.5,
              f"whole `python -m analysis summary`, start-up included; import {inner[0]['import']:.2f} s")
    # the API
    instance = db.parent
    token = make_token(instance, "leader")
    server = kiosk_server(instance, args.threads).start()
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
    finally:
        server.stop()
    med = statistics.median(api)
    table.add("2 summary", "GET /api/v1/summary (median)", secs(med), "< 0.5 s", med < 0.5,
              f"runs {', '.join(f'{c:.2f}' for c in api)} s; {len(body):,} bytes")


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
                  f"summarize {inner['summarize']:.2f} s + render {inner['render']:.2f} s "
                  f"+ start-up; {size / 1024:.0f} KB")


# --- part 5: the tablet -----------------------------------------------------------------------

def part_tablet(args, table: Table):
    import tablet_bench
    tablet_bench.run(args, table, OUT, kiosk_server, kiosk_cli, fresh)


# --- main --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", default=",".join(PARTS),
                   help=f"comma-separated parts to run (default: all of {','.join(PARTS)})")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (100k summary, 20k reports, 5 s load, 10 taps) for a quick check")
    p.add_argument("--duration", type=float, help="seconds of saturation per server (default 20; quick 5)")
    p.add_argument("--warmup", type=float, default=3, help="seconds of warm-up load before it (default 3)")
    p.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    p.add_argument("--tablets", type=int, default=16,
                   help="kiosk tokens the clients use in turn, one per simulated tablet (default 16)")
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--threads", type=int, default=8,
                   help="waitress threads, both servers (default 8, as kiosk)")
    p.add_argument("--rate", type=float, default=100, help="open-loop rate, requests/s (default 100)")
    p.add_argument("--paced-seconds", type=float, help="seconds at that rate (default 30; quick 10)")
    p.add_argument("--rss-submissions", type=int, help="submissions before reading RSS (default 10000)")
    p.add_argument("--starts", type=int, default=5, help="cold starts to time (default 5)")
    p.add_argument("--summary-responses", type=int, help="responses for the summary (default 1000000)")
    p.add_argument("--report-responses", type=int, help="responses for the reports (default 100000)")
    p.add_argument("--repeat", type=int, default=3, help="repeats of each timed summary/report (default 3)")
    p.add_argument("--taps", type=int, help="ratings tapped in Chromium (default 30; quick 10)")
    p.add_argument("--regen", action="store_true", help="regenerate the cached demo databases")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON here")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    q = args.quick
    args.duration = args.duration or (5 if q else 20)
    args.paced_seconds = args.paced_seconds or (10 if q else 30)
    args.rss_submissions = args.rss_submissions or (2000 if q else 10_000)
    args.summary_responses = args.summary_responses or (100_000 if q else 1_000_000)
    args.report_responses = args.report_responses or (20_000 if q else 100_000)
    args.taps = args.taps or (10 if q else 30)
    parts = [x.strip() for x in args.parts.split(",") if x.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        print(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}",
              file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    machine = machine_details()
    table = Table()
    loads: list[str] = []
    started = time.perf_counter()
    for part in PARTS:
        if part not in parts:
            continue
        print(f"== {part}", flush=True)
        loads.append(f"{part} {os.getloadavg()[0]:.2f}")
        t = time.perf_counter()
        try:
            globals()[f"part_{part}"](args, table)
        except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
            table.add(part, "FAILED", type(exc).__name__, "", False, str(exc).replace("\n", " ")[:300])
        print(f"   ({time.perf_counter() - t:.0f} s)", flush=True)
    print()
    text = table.render(machine)
    text += ("\n\nLoad average (1 min) when each part started: " + ", ".join(loads)
             + "\n(anything else running on these cores shows up directly in the figures)")
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    (OUT / "last-table.txt").write_text(text + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": dict(machine), "rows": table.rows},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    missed = [r for r in table.rows if r["status"] == "MISSED"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
