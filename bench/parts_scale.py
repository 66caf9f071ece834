"""Issue 16's figures for bench/run.py: the summary against a bare scan of the same file,
streaming exports and their memory, and what a province-sized database would need."""
from __future__ import annotations

import json
import sqlite3
import statistics
import time
import urllib.request
from pathlib import Path

from harness import BENCH, OUT, PY, ROOT, Table, secs

# analysis.fromrollups.TABLES: the summary reads the rows, not these, while one is missing
ROLLUPS = ("rollup_responses", "rollup_months", "rollup_clock", "rollup_clock_months", "rollup_answers",
           "rollup_answer_months", "rollup_receipts")


def ensure_rollups(db: Path, kiosk_cli) -> None:
    """A demo database made before the rollups existed gets them (migrations + rebuild)."""
    conn = sqlite3.connect(db)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    if not set(ROLLUPS) <= have:
        print(f"    building the rollups of {db} ...", flush=True)
        kiosk_cli(db.parent, "rebuild-rollups", "--db", str(db))


def exports_script(what: str, db: Path, out: str = "/dev/null") -> dict:
    import subprocess
    r = subprocess.run([PY, str(BENCH / "time_exports.py"), what, "--db", str(db), "--out", out],
                       cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise RuntimeError(f"time_exports {what}: {r.stderr[-2000:]}")
    return json.loads(r.stdout)


def summary_against_scan(table: Table, db: Path, rows: int, cli: list[float], calls: list[float], repeat: int):
    """The CLI process beside a bare GROUP BY scan of the same file, measured in turn."""
    scans = [exports_script("scan", db)["seconds"] for _ in range(repeat)]
    scan, whole = statistics.median(scans), statistics.median(cli)
    table.add("2 summary", f"bare GROUP BY scan of the same {rows:,} rows (median)", secs(scan), "", None,
              "SELECT local_date, overall, count(*) … GROUP BY, fresh process; runs "
              + ", ".join(f"{s:.2f}" for s in scans) + " s")
    table.add("2 summary", "CLI process ÷ bare scan", f"{whole / scan:.2f}", "≤ 0.35", whole / scan <= 0.35,
              f"{whole:.2f} s vs {scan:.2f} s, measured in turn in this run")


PROVINCE_DB = OUT / "province-10m.db"  # made by: python bench/make_10m.py SOURCE_1M.db bench/out/province-10m.db


def province_rows(table: Table, db: Path, repeat: int = 3):
    """summarize() and the league of 100 units over a province's year of 10M responses, on
    ``PROVINCE_DB`` when it has been built (bench/make_10m.py, ~40 min from the 1M one)."""
    import subprocess
    if not PROVINCE_DB.exists():
        table.add("2 summary", "summarize() over 10,000,000 responses", "not measured", "≤ 0.5 s", None,
                  f"build {PROVINCE_DB.relative_to(ROOT)} first: python bench/make_10m.py {db} {PROVINCE_DB}")
        table.add("2 summary", "league table of 100 units over 10,000,000", "not measured", "≤ 1 s", None,
                  "the same database")
        return
    conn = sqlite3.connect(f"file:{PROVINCE_DB}?mode=ro", uri=True)
    try:
        d_from, d_to, n = conn.execute("SELECT min(local_date), max(local_date), count(*) FROM responses").fetchone()
        units = conn.execute("SELECT count(DISTINCT unit) FROM responses").fetchone()[0]
    finally:
        conn.close()
    r = subprocess.run([PY, str(BENCH / "time_summary.py"), "--db", str(PROVINCE_DB), "--from", d_from,
                        "--to", d_to, "--repeat", str(repeat)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise RuntimeError(f"time_summary on {PROVINCE_DB}: {r.stderr[-2000:]}")
    calls = [x["summarize"] for x in json.loads(r.stdout)]
    med = statistics.median(calls)
    table.add("2 summary", f"summarize() over {n:,} responses, {units} units (median)", secs(med), "≤ 0.5 s",
              med <= 0.5, f"the whole province, {d_from}..{d_to}; runs {', '.join(f'{c:.3f}' for c in calls)} s")
    league = []
    for _ in range(repeat):
        r = subprocess.run([PY, str(BENCH / "time_league.py"), "--db", str(PROVINCE_DB), "--existing"], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError(f"time_league on {PROVINCE_DB}: {r.stderr[-2000:]}")
        league.append(json.loads(r.stdout))
    whole = statistics.median(x["units_summary"] + x["league"] for x in league)
    table.add("2 summary", f"league table of {league[0]['units']} units over {n:,} (median)", secs(whole), "≤ 1 s",
              whole <= 1, "every unit's indicators and the ranking; Excel "
              f"{league[0]['xlsx']:.2f} s, PDF {league[0]['pdf']:.2f} s besides")


def download_rss(server, url: str, token: str) -> tuple[float, int]:
    """(seconds, bytes) of a download read in blocks (the client holds none of it)."""
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    t, size = time.perf_counter(), 0
    with urllib.request.urlopen(req, timeout=3600) as r:
        while block := r.read(1 << 16):
            size += len(block)
    return time.perf_counter() - t, size


# A leader's downloads besides the rows (each PDF is made in a process of its own that ends
# with it: analysis/reports/apart.py); a province's also its league table's.
COMMUNE_REPORTS = ("report.pdf", "report.xlsx")
PROVINCE_REPORTS = COMMUNE_REPORTS + ("summary/units.pdf", "summary/units.xlsx")


def fetch_all(server, token: str, paths, period: str) -> str:
    """Download each of ``paths`` (under /api/v1/) for ``period``; what was fetched, in words."""
    took = []
    for path in paths:
        seconds, size = download_rss(server, f"{server.url}/api/v1/{path}?{period}", token)
        took.append(f"{path} {seconds:.1f} s")
    return ", ".join(took)


def served_memory(table: Table, server, d_from: str, d_to: str, token: str, rows: int, threads: int):
    """The server's peak RSS (VmHWM) once every serving thread has answered a summary (each
    keeps its own connection, so three summaries measured only three of them) and after
    the whole period's CSV download, and the leader's reports (PDF and Excel) of that period."""
    for _ in range(2 * threads):
        download_rss(server, f"{server.url}/api/v1/summary?from={d_from}&to={d_to}", token)
    seconds, size = download_rss(server, f"{server.url}/api/v1/export/responses.csv?from={d_from}&to={d_to}", token)
    reports = fetch_all(server, token, COMMUNE_REPORTS, f"from={d_from}&to={d_to}")
    rss, hwm = server.rss_kb()
    table.add("3 exports", f"GET responses.csv, {rows:,} rows (streamed)", secs(seconds), "", None,
              f"{size / 1e6:.0f} MB sent")
    table.add("3 exports", f"server RSS peak serving {rows:,} responses", f"{hwm / 1024:.1f} MB", "< 80 MB",
              hwm / 1024 < 80, f"VmHWM after {2 * threads} summaries, the CSV and {reports}; RSS now "
              f"{rss / 1024:.1f} MB; "
              f"{server.apart_kb / 1024:.1f} MB of it the writer process's own "
              "(the row for 10M serves the province's database, when it is built)")


def exports(table: Table, report_db: Path, big_db: Path, report_rows: int, big_rows: int):
    """The raw workbook of the report database; the CSV of the big one, with its memory."""
    # the median of three runs, as the other timed rows: one run on these shared cores moved
    # by up to ±0.6 s from the last (4.0-5.9 s for the same code, measured in a row)
    runs = [exports_script("xlsx", report_db, str(OUT / "responses.xlsx")) for _ in range(3)]
    x, each = sorted(runs, key=lambda run: run["seconds"])[1], ", ".join(f"{r['seconds']:.2f}" for r in runs)
    table.add("3 exports", f"workbook with one row per response ({report_rows:,}, median)", secs(x["seconds"]),
              "≤ 5 s", x["seconds"] <= 5, f"runs {each} s; "
              f"CPU {x['cpu']:.2f} s; peak RSS {x['peak_rss_mb']:.0f} MB; {x['bytes'] / 1e6:.1f} MB")
    c = exports_script("csv", big_db)
    table.add("3 exports", f"CSV of {big_rows:,} responses, streamed", secs(c["seconds"]), "", None,
              f"CPU {c['cpu']:.2f} s")
    table.add("3 exports", "CSV memory: peak RSS of that process", f"{c['peak_rss_mb']:.0f} MB", "< 80 MB (flat)",
              c["peak_rss_mb"] < 80, f"{c['rss_start_mb']:.0f} MB at start")


def province_served_memory(table: Table, threads: int, start_server, make_leader_token) -> None:
    """The server's peak RSS (VmHWM) serving the province's 10M responses (``PROVINCE_DB``,
    linked into an instance of its own as its demo database): every serving thread answers
    the province's summary and the league of its units, then one unit's year goes out as
    CSV and as the raw workbook (the whole province's CSV would take some seven minutes; the
    code path is the same), and the province's reports and league table as PDF and Excel."""
    measure = "server RSS peak serving 10,000,000 responses"
    if not PROVINCE_DB.exists():
        table.add("3 exports", measure, "not measured", "< 80 MB", None, "needs the 10M database (above)")
        return
    instance = OUT / "province-10m-instance"
    instance.mkdir(exist_ok=True)
    link = instance / "demo.db"  # SQLite follows the link: its WAL stays beside the real file
    if not link.is_symlink():
        link.symlink_to(PROVINCE_DB.resolve())
    conn = sqlite3.connect(PROVINCE_DB)
    try:
        d_from, d_to = conn.execute("SELECT min(local_date), max(local_date) FROM responses").fetchone()
        rows = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
        unit = conn.execute("SELECT unit FROM responses ORDER BY seq DESC LIMIT 1").fetchone()[0]
        own = conn.execute("SELECT count(*) FROM responses WHERE unit = ?", [unit]).fetchone()[0]
    finally:
        conn.close()
    token = make_leader_token(instance)
    server = start_server(instance)
    try:
        period = f"from={d_from}&to={d_to}"
        for _ in range(threads):
            download_rss(server, f"{server.url}/api/v1/summary?{period}", token)
            download_rss(server, f"{server.url}/api/v1/summary/units?{period}", token)
        seconds, size = download_rss(server, f"{server.url}/api/v1/export/responses.csv?{period}&unit={unit}",
                                     token)
        books = [download_rss(server, f"{server.url}/api/v1/export/responses.xlsx?{period}&unit={unit}", token)
                 for _ in range(3)]  # the median of three, as above
        book, book_size = sorted(books)[1]
        reports = fetch_all(server, token, PROVINCE_REPORTS, period)
        rss, hwm = server.rss_kb()
    finally:
        server.stop()
    table.add("3 exports", f"one commune's workbook, {own:,} of {rows:,} rows, from the server (median)",
              secs(book), "≤ 5 s", book <= 5, f"GET responses.xlsx?unit={unit}, {book_size / 1e6:.1f} MB; runs "
              f"{', '.join(f'{b[0]:.2f}' for b in books)} s; its CSV {seconds:.1f} s")
    table.add("3 exports", measure.replace("10,000,000", f"{rows:,}"), f"{hwm / 1024:.1f} MB", "< 80 MB",
              hwm / 1024 < 80, f"VmHWM after {threads} province summaries, {threads} league tables, unit "
              f"{unit}'s CSV ({size / 1e6:.0f} MB) and workbook (three times), and {reports}; "
              f"RSS now {rss / 1024:.1f} MB; "
              f"{server.apart_kb / 1024:.1f} MB of it the writer process's own")

