"""Time one export or the bare scan in a fresh interpreter, with its memory (issue 16).

    python bench/time_exports.py scan --db FILE             # the bare GROUP BY over responses
    python bench/time_exports.py xlsx --db FILE --out F     # the report workbook with every response
    python bench/time_exports.py csv --db FILE --out F      # the responses CSV, streamed
    python bench/time_exports.py pdf-apart --db FILE        # the PDF report as a server makes it

Prints one JSON object: seconds (wall), cpu (this process's user+system), rows, bytes,
rss_start_mb and peak_rss_mb (VmHWM: the most this process ever held), and for pdf-apart
child_peak_rss_mb (the most the PDF's own process held). Used by
bench/run.py; handy under ``python -m cProfile -s cumtime``.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _span(db: str) -> tuple[str, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT min(local_date), max(local_date) FROM responses").fetchone()
    finally:
        conn.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["scan", "xlsx", "csv", "pdf-apart"])
    p.add_argument("--db", required=True)
    p.add_argument("--out", default="/dev/null")
    args = p.parse_args()
    start_rss = _status_mb("VmRSS")
    t, c = time.perf_counter(), time.process_time()
    rows, extra = 0, {}
    if args.what == "pdf-apart":  # the summary here, the document in a process of its own
        import resource

        from analysis import summarize
        from analysis.reports.apart import render
        summary = summarize(args.db, *_span(args.db))
        t = time.perf_counter()
        Path(args.out).write_bytes(render("pdf:pdf_report", summary))
        extra["child_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    elif args.what == "scan":  # what any tool would do first: one grouped pass over the rows
        conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        rows = len(conn.execute("SELECT local_date, overall, count(*) FROM responses "
                                "GROUP BY local_date, overall").fetchall())
        conn.close()
    else:
        from analysis import summarize
        d_from, d_to = _span(args.db)
        if args.what == "xlsx":
            from analysis.reports.xlsx import write_xlsx_report
            write_xlsx_report(args.out, summarize(args.db, d_from, d_to), db=args.db)
        else:
            from analysis.reports.csv import responses_csv_stream
            with open(args.out, "wb") as out:
                for chunk in responses_csv_stream(args.db, d_from, d_to):
                    out.write(chunk)
            conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
            rows = conn.execute("SELECT count(*) FROM responses WHERE local_date BETWEEN ? AND ?",
                                [d_from, d_to]).fetchone()[0]
            conn.close()
    out = Path(args.out)
    print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "rows": rows,
                      "bytes": out.stat().st_size if out.is_file() else 0,
                      "rss_start_mb": start_rss, "peak_rss_mb": _status_mb("VmHWM"), **extra}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
