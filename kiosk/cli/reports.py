"""``send-report``: the report of a period by e-mail (PDF, Excel attached)."""
from __future__ import annotations

import sys

from kiosk.cli.common import _app


def cmd_send_report(args) -> int:
    """Send the PDF report (Excel attached) of a period by e-mail; record the head it quotes."""
    from kiosk import store
    from kiosk.clock import local_today
    from kiosk.domain.report_mail import MailError, send_report
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        unit = args.unit or store.only_unit(db)
        if unit is None or store.get_unit(db, unit) is None:
            codes = ", ".join(u["code"] for u in store.list_units(db))
            print(f"error: say which unit's report with --unit CODE (the units: {codes})", file=sys.stderr)
            return 2
        try:
            sent = send_report(app.config, app.config["DATABASE"], args.period, local_today(), args.to, unit=unit)
        except MailError as exc:
            print(f"error: the report was not sent: {exc}", file=sys.stderr)
            return 1
        if sent["chain"].get("seq"):
            store.record_report_head(db, "send-report", "report.pdf", sent["period"]["from"],
                                     sent["period"]["to"], sent["chain"], unit=unit)
    finally:
        db.conn.close()
    print(f"Sent \"{sent['subject']}\" to {', '.join(sent['recipients'])}")
    return 0


def add_send_report(sub) -> None:
    """The ``send-report`` subcommand, registered by ``kiosk.cli.build_parser``."""
    from kiosk.domain.report_mail import PERIODS
    p = sub.add_parser("send-report", help="e-mail the report (PDF, Excel attached) of a period")
    p.add_argument("--period", choices=PERIODS, default="last-month",
                   help="month, quarter, year (to date) or the last whole month or quarter (default last-month)")
    p.add_argument("--unit", metavar="CODE",
                   help="the unit (commune) whose report, to its REPORT_RECIPIENTS (default: the only unit)")
    p.add_argument("--to", action="append", metavar="ADDRESS",
                   help="send to this address instead of REPORT_RECIPIENTS (may be repeated)")
    p.set_defaults(func=cmd_send_report)
