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
import sys
import time
from pathlib import Path

from harness import OUT, PARTS, Table, machine_details
from parts_read import part_reports, part_summary, part_tablet
from parts_serve import part_start, part_submit

PART_RUNNERS = {"submit": part_submit, "start": part_start, "summary": part_summary,
                "reports": part_reports, "tablet": part_tablet}


# --- main --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", default=",".join(PARTS),
                   help=f"comma-separated parts to run (default: all of {','.join(PARTS)})")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (100k summary, 20k reports, 5 s load, 10 taps) for a quick check")
    p.add_argument("--duration", type=float, help="seconds of saturation per server (default 20; quick 5)")
    p.add_argument("--rounds", type=int, help="rounds that share it, the two servers loaded in turn "
                   "(default 4; quick 2)")
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
    args.rounds = max(1, args.rounds or (2 if q else 4))
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
            PART_RUNNERS[part](args, table)
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

