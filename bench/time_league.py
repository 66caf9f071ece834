"""Time the province's league table: every unit's indicators, the ranking, the downloads.

    python bench/time_league.py [--units 30] [--responses 60000] [--days 365] [--db bench/out/league.db]

Makes the demo database once (``demo-data --units`` style: ``kiosk.domain.demo_units``) and
reuses it while its size matches. Prints one JSON object: {"units", "responses",
"units_summary", "league", "xlsx", "pdf"} in seconds. The league computes one pass of
indicator counts per unit (``analysis/by_unit.py``); this is the figure the rollup tables
should bring down at a hundred communes.
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
    p.add_argument("--units", type=int, default=30)
    p.add_argument("--responses", type=int, default=60000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--db", default=str(Path(__file__).parent / "out" / "league.db"))
    p.add_argument("--existing", action="store_true",
                   help="time the database as it is (e.g. bench/make_10m.py's), never regenerate it")
    args = p.parse_args()
    from analysis.by_unit import units_summary
    from analysis.league import league
    from analysis.reports.league import xlsx_league
    from analysis.reports.league_pdf import pdf_league
    from kiosk import store
    from kiosk.domain.demo_units import generate_units
    from kiosk.store.db import connect, init_db
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    init_db(path)
    db = connect(path)
    if not args.existing and (len(store.list_units(db)), store.count_responses(db)) != (args.units, args.responses):
        db.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        init_db(path)
        db = connect(path)
        generate_units(db, args.units, args.responses, days=args.days)
    units = [{"code": u["code"], "name": u["name"]} for u in store.list_units(db)]
    end = db.execute("SELECT max(local_date) FROM responses").fetchone()[0]
    start = db.execute("SELECT min(local_date) FROM responses").fetchone()[0]
    store_count = store.count_responses(db)
    db.conn.close()
    t0 = time.perf_counter()
    data = units_summary(str(path), start, end, units, today=end)
    t1 = time.perf_counter()
    table = league(data["units"])
    t2 = time.perf_counter()
    xlsx_league(table, data["period"])
    t3 = time.perf_counter()
    pdf_league(table, data["period"])
    t4 = time.perf_counter()
    responses = store_count if args.existing else args.responses
    print(json.dumps({"units": len(units), "responses": responses, "units_summary": round(t1 - t0, 3),
                      "league": round(t2 - t1, 3), "xlsx": round(t3 - t2, 3), "pdf": round(t4 - t3, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
