"""``import-unit``: a commune that ran its own kiosk joins this server with its history."""
from __future__ import annotations

import json
import sys

from kiosk.cli.common import _app


def cmd_import_unit(args) -> int:
    """Check a standalone kiosk's database (or backup) and merge it into unit CODE; running it
    again, or on a newer backup, adds only what is new (``kiosk/store/imports.py``)."""
    from kiosk import store
    from kiosk.store import imports
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        if store.get_unit(db, args.code) is None:
            print(f"error: there is no unit {args.code}; make it first: "
                  f"python -m kiosk create-unit {args.code} --name \"Xã …\"", file=sys.stderr)
            return 2
        from pathlib import Path
        if Path(args.db).resolve() == Path(app.config["DATABASE"]).resolve():
            print("error: that is this server's own database; give the commune's database or backup",
                  file=sys.stderr)
            return 2
        try:
            result = imports.import_file(db, args.db, args.code)
        except imports.SourceRefused as exc:
            print(f"error: {args.db} was not imported: {exc}. Nothing was changed.", file=sys.stderr)
            return 1
        store.audit(db, "cli", "import_unit", json.dumps({"unit": args.code, "file": str(args.db), **result},
                                                         ensure_ascii=False), unit=args.code)
        chain = store.verify_chain(db, unit=args.code)
    finally:
        db.conn.close()
    print(f"Imported into unit {args.code} from {args.db} (checked: its hash chain holds up to response "
          f"#{result['source_seq']}):")
    print(f"  {result['responses']:,} new responses ({result['already']:,} already imported), "
          f"{result['complaints']:,} complaints, {result['receipts']:,} receipts "
          f"({result['receipts_updated']:,} updated), {result['tablets']} tablets, {result['counters']} counters, "
          f"{result['officers']} officers, {result['procedures']} procedures.")
    if result["complaints_updated"]:
        print(f"  {result['complaints_updated']} imported complaints took over what the commune did with them since.")
    if result["complaints_kept"]:
        print(f"  {result['complaints_kept']} complaints were handled here since they were imported: this server's "
              "record of them stands (the commune's later handling was not copied).")
    if result["phones_left"]:
        print(f"  {result['phones_left']} phone numbers were not copied: they stay in the commune's own "
              "database, to be erased there.")
    if result["codes_dropped"]:
        print(f"  {result['codes_dropped']} complaint codes were taken here; those replies show on the receipt.")
    if result["conflicts"]:
        print(f"  {result['conflicts']:,} rows were NOT imported: their id or code is already used here by "
              "another row (kept as it is; see the conflicts table).", file=sys.stderr)
    if chain["broken_at"] is not None:
        print(f"BROKEN at response #{chain['broken_at']}: {chain['reason']}", file=sys.stderr)
        return 1
    print(f"Unit {args.code}: {chain['checked']:,} responses, hash chain verified. "
          "Imported rows are marked (responses.imported_from) and listed as such in reports.")
    return 3 if result["conflicts"] else 0  # done, but not everything came over: say so to scripts


def add_import_unit(sub) -> None:
    """The ``import-unit`` subcommand, registered by ``kiosk.cli.build_parser``."""
    p = sub.add_parser("import-unit", help="merge a standalone kiosk's database (a backup) into a unit")
    p.add_argument("code", help="the unit's code, as made by create-unit")
    p.add_argument("--db", required=True, help="the commune's database or backup file (kiosk.db, kiosk-….db)")
    p.set_defaults(func=cmd_import_unit)
