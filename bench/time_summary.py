"""Time ``analysis`` in one fresh interpreter: imports, summarize(), rendering, separately.

    python bench/time_summary.py --db FILE --from D --to D [--format json|xlsx|pdf] [--repeat N]

Prints a JSON list, one object per repeat: {"import", "summarize", "render"} in seconds
(import only on the first). Used by bench/run.py; handy with pyinstrument:
    python -m pyinstrument bench/time_summary.py --db ... --from ... --to ...
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--from", dest="d_from", required=True)
    p.add_argument("--to", dest="d_to", required=True)
    p.add_argument("--format", default="json", choices=["json", "xlsx", "pdf"])
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    t = time.perf_counter()
    from analysis.summary import summarize
    imported = time.perf_counter() - t
    out = []
    for i in range(args.repeat):
        t = time.perf_counter()
        summary = summarize(args.db, args.d_from, args.d_to)
        t1 = time.perf_counter()
        if args.format == "json":
            data = json.dumps(summary, ensure_ascii=False, indent=2).encode()
        elif args.format == "xlsx":
            from analysis.reports.xlsx import xlsx_report
            data = xlsx_report(summary)  # the report workbook, as the CLI writes it (no raw rows)
        else:
            from analysis.reports.pdf import pdf_report
            data = pdf_report(summary, {})
        t2 = time.perf_counter()
        out.append({"import": imported if i == 0 else 0.0, "summarize": t1 - t, "render": t2 - t1,
                    "bytes": len(data)})
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
