"""``python -m analysis``: satisfaction figures and reports from the command line.

    python -m analysis summary --db instance/kiosk.db --from 2026-01-01 --to 2026-03-31 \\
        --format xlsx -o quy1.xlsx

Errors (a bad date, a missing database) are one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date

FORMATS = ("text", "json", "csv", "xlsx", "pdf")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Satisfaction figures against the resolution's targets (internal survey).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("summary", help="indicators, breakdowns and reports for a period",
                       description="Summarise a period (local dates, Asia/Ho_Chi_Minh, inclusive). "
                                   "Default period: the current month to date.")
    p.add_argument("--db", required=True, metavar="FILE", help="the kiosk database (opened read-only)")
    p.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD",
                   help="first day (default: the 1st of this month)")
    p.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD",
                   help="last day (default: today)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--include-flagged", action="store_true",
                   help="count flagged (suspicious) responses in the headline figures (the raw figures); "
                        "by default the headline leaves them out and shows the raw figures beside")
    p.add_argument("--exclude-flagged", action="store_true", help=argparse.SUPPRESS)  # the default now
    p.add_argument("--targets", metavar="FILE", help="a targets file (default: the shipped one)")
    p.add_argument("--with-responses", action="store_true",
                   help="xlsx: add a sheet with one row per response (slow for large periods)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write here instead of stdout (required for xlsx and pdf)")
    p.add_argument("--unit", metavar="CODE",
                   help="one unit's figures (a units.code, see python -m kiosk list-units); default: the whole")
    for key in ("commune", "unit-name", "province", "place"):
        p.add_argument(f"--{key}", help=f"report header: {key.replace('-name', '')} (PDF; default: the unit's own)")
    p.set_defaults(func=cmd_summary)
    return parser


def _render(fmt: str, summary: dict, args) -> bytes:
    if fmt == "json":
        return (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        from .reports.csv import summary_csv
        return summary_csv(summary, audience="systems")  # the command line's CSV feeds programs
    if fmt == "xlsx":
        from .reports.xlsx import xlsx_report
        return xlsx_report(summary, db=args.db if args.with_responses else None)
    if fmt == "pdf":
        from .reports.pdf import pdf_report
        given = {"commune": args.commune, "unit": args.unit_name, "province": args.province, "place": args.place}
        meta = {**_unit_heading(args.db, args.unit), **{k: v for k, v in given.items() if v}}
        return pdf_report(summary, meta)
    from .reports.text import render
    return render(summary).encode("utf-8")


def _unit_heading(db, code: str | None) -> dict:
    """The heading of a unit's report from its row in ``units`` (its name, province and own
    names), {} for the whole or a database without units."""
    if not code:
        return {}
    from .connection import opened
    with opened(db) as conn:
        row = conn.execute("SELECT name, province, settings FROM units WHERE code = ?", [code]).fetchone()
    if row is None:
        return {}
    own = json.loads(row[2] or "{}")
    out = {"commune": own.get("COMMUNE_NAME") or row[0], "unit": own.get("UNIT_NAME"),
           "province": row[1], "place": own.get("PLACE_NAME")}
    return {k: v for k, v in out.items() if v}


def cmd_summary(args) -> int:
    from .queries import local_today
    from .summary import summarize
    from .targets import TargetsError
    today = local_today()
    date_to = args.date_to or today
    date_from = args.date_from or date_to.replace(day=1)
    if date_from > date_to:
        return _fail(f"--from {date_from} is after --to {date_to}")
    if args.format in ("xlsx", "pdf") and not args.output:
        return _fail(f"--format {args.format} writes a binary file: give -o FILE")
    try:
        summary = summarize(args.db, date_from, date_to, exclude_flagged=not args.include_flagged,
                            targets=args.targets, unit=args.unit)
        data = _render(args.format, summary, args)
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except (TargetsError, ValueError) as exc:
        return _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        return _fail(f"cannot read the database {args.db}: {exc}")
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
