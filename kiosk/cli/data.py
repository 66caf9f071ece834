"""The data itself: ``demo-data``, ``backup``, ``restore``, ``verify``, ``doctor``."""
from __future__ import annotations

import json
import sys

from kiosk.cli.common import _app, _database, _settings


def cmd_demo_data(args) -> int:
    """Synthetic responses into their own database (instance/demo.db), or --remove them."""
    from pathlib import Path

    from kiosk import DEMO_DATABASE, store
    from kiosk.domain import demo
    from kiosk.store.db import connect, init_db
    app = _app()
    folder = Path(app.instance_path)
    demo_path, real_path = folder / DEMO_DATABASE, folder / "kiosk.db"
    if args.remove:
        return _remove_demo(app, demo_path, real_path)
    init_db(demo_path)
    db = connect(demo_path)
    copied = store.copy_accounts(db, real_path)

    def progress(done, total):
        width = 30
        filled = int(width * done / total) if total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end="",
              file=sys.stderr, flush=True)

    units = []
    if args.units:
        if not 1 <= args.units <= 999:
            print("error: --units takes 1 to 999 communes", file=sys.stderr)
            return 2
        from kiosk.domain.demo_units import generate_units
        units = generate_units(db, args.units, args.responses, days=args.days, seed=args.seed, progress=progress)
    else:
        demo.generate(db, args.responses, days=args.days, seed=args.seed, progress=progress)
    db.conn.close()
    print(file=sys.stderr)
    for unit in units:
        print(f"  unit {unit['code']} {unit['name']}: {unit['responses']:,} demo responses")
    print(f"Added {args.responses:,} demo responses (marked demo = 1) to {demo_path}, with their "
          f"officers, counters, receipts and complaints; {copied} staff accounts copied so you can sign in.")
    print(f"The real database {real_path} was not touched.")
    print("See them: python -m kiosk serve --demo   Remove them: python -m kiosk demo-data --remove")
    return 0


def _remove_demo(app, demo_path, real_path) -> int:
    from kiosk import store
    from kiosk.store import serverlock
    from kiosk.store.db import connect, init_db
    running = serverlock.in_use(app.instance_path)
    if running and str(demo_path) in running:
        print(f"error: the server is serving the demo database (pid {running.split()[0]}); "
              "stop it first", file=sys.stderr)
        return 1
    removed_file = False
    for suffix in ("", "-wal", "-shm"):
        side = demo_path.with_name(demo_path.name + suffix)
        if side.exists():
            side.unlink()
            removed_file = True
    if removed_file:
        print(f"Removed the demo database {demo_path}.")
    if not real_path.exists():
        return 0
    init_db(real_path)
    db = connect(real_path)
    try:
        gone = store.remove_legacy_demo(db)  # rows older versions put in the real database
        if any(v for k, v in gone.items() if k != "kept_responses"):
            store.audit(db, "cli", "demo_data_remove", json.dumps(gone))
            print("From the real database: removed {responses} demo responses, {receipts} receipts, "
                  "{complaints} complaints, {officers} officers, {counters} counters, {kiosks} tablets."
                  .format(**gone))
        if gone["kept_responses"]:
            print(f"Kept {gone['kept_responses']:,} demo responses that lie before real ones (or before a "
                  "link a report quoted) in the hash chain: deleting them would break the chain. They "
                  "stay marked demo = 1 and every report says how many it holds.")
        chain = store.verify_chain(db, heads=store.recorded_heads(db))
    finally:
        db.conn.close()
    if chain["broken_at"] is not None:
        print(f"BROKEN at response #{chain['broken_at']}: {chain['reason']}", file=sys.stderr)
        return 1
    print(f"Real data intact: {chain['checked']:,} responses, hash chain verified.")
    return 0


def cmd_backup(args) -> int:
    """A consistent copy of the database, safe while the server is taking ratings."""
    from kiosk import clock
    from kiosk.store.backup import make_checked_backup
    from kiosk.store.db import connect, init_db
    database = _database()  # the real database, even while a questionnaire or setting is broken
    init_db(database)
    db = connect(database)
    result = make_checked_backup(db, database, None, 0, clock.utcnow(), kind="manual", target=args.file)
    db.conn.close()
    if not result["ok"]:
        where = f"kept in {args.file}" if result["kept"] else "not kept"
        print(f"error: the backup failed its check ({where}): {result['detail']}", file=sys.stderr)
        return 1
    print(f"Backed up {database} to {args.file} "
          f"({result['responses']:,} responses, integrity and hash chain checked)")
    return 0


def cmd_restore(args) -> int:
    """Replace the database with a backup (server stopped), keeping a copy of the current one."""
    from pathlib import Path

    from kiosk import clock
    from kiosk.domain import backups
    from kiosk.store import serverlock
    from kiosk.store.backup import backup, check_copy, restore
    from kiosk.store.db import init_db
    app = _app()
    source, database = Path(args.file), Path(app.config["DATABASE"])
    pid = serverlock.in_use(app.instance_path)
    if pid:
        print(f"error: the server is running (pid and database: {pid}) on {app.instance_path}; stop it first "
              "(systemctl stop hailong, or schtasks /End /TN \"Hai long\"), then run restore again",
              file=sys.stderr)
        return 1
    checked = check_copy(source)
    if not checked["ok"]:
        print(f"error: {source} cannot be restored: {checked['detail']}. Nothing was changed.",
              file=sys.stderr)
        return 1
    if database.exists():
        keep = backups.folder(app.config, app.instance_path) / f"before-restore-{clock.utcnow():%Y%m%d-%H%M%S}.db"
        backup(database, keep)
        print(f"The database as it was is kept in {keep}")
    result = restore(source, database)
    init_db(database)  # an older backup gets the current schema, as at every start
    if not result["ok"]:
        print(f"error: the restored database failed its check: {result['detail']}", file=sys.stderr)
        return 1
    print(f"Restored {source} into {database}: {result['responses']:,} responses, "
          "integrity and hash chain checked. Start the server again.")
    return 0


def cmd_verify(args) -> int:
    """Check the responses' hash chain and every head a report quoted; exit 1 at the first
    broken link, 2 for a malformed --head."""
    from kiosk import store
    from kiosk.store.db import connect, init_db
    heads = []
    if args.head:
        seq, _, head = args.head.partition(":")
        if not seq.isdigit() or len(head) != 64:
            print("error: --head takes SEQ:HASH as reports print it, e.g. 1234:3f5a…", file=sys.stderr)
            return 2
        heads.append((int(seq), head))
    path = _database()
    init_db(path, _settings())  # brings an older database's schema up (never drops data)
    db = connect(path)
    unit = getattr(args, "unit", None)
    if unit and store.get_unit(db, unit) is None:
        codes = ", ".join(u["code"] for u in store.list_units(db)) or "none"
        print(f"error: no unit {unit!r}; the units are: {codes}", file=sys.stderr)
        return 2
    recorded = store.recorded_heads(db)
    result = store.verify_chain(db, heads=heads + recorded, unit=unit)
    if result["broken_at"] is None:
        from kiosk.store import rollups
        edited = rollups.differing(db)
        if edited:  # the figures are read from these: a count edited there bends every report
            print(f"BROKEN: the counts in {', '.join(edited)} are not what the responses give (edited by "
                  "hand?); the chain itself is intact. Find out who, then: python -m kiosk rebuild-rollups")
            return 1
        head = store.chain_head(db, unit)
        whose = f"unit {unit}: " if unit else ""
        print(f"OK: {whose}{result['checked']:,} responses, chain intact; "
              f"{len(recorded):,} recorded report heads hold.")
        if args.head:
            print(f"The quoted head {args.head[:20]}… is still response #{heads[0][0]}.")
        if head["seq"]:
            print(f"Last link: response #{head['seq']} {head['hash']} "
                  "(reports quote this to show which data they were computed from)")
        return 0
    print(f"BROKEN at response #{result['broken_at']}: {result['reason']} "
          f"({result['checked']:,} checked before it).")
    return 1


def _(text: str) -> str:
    """Marks a text for kiosk/web/translations/en.toml (translated where printed)."""
    return text


def cmd_doctor(args) -> int:
    """List what would break in production; exit 0 when all is well, 1 otherwise."""
    from kiosk.domain import doctor
    from kiosk.store.db import connect
    from kiosk.web.i18n import load_catalog
    catalog = load_catalog("en") if args.lang == "en" else {}

    def say(text, **values):
        return catalog.get(text, text).format(**values)

    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        problems = doctor.examine(app.config, db, app.instance_path)
    finally:
        db.conn.close()
    print(say(_("Hài lòng: kiểm tra {instance}"), instance=app.instance_path))
    if not problems:
        print(say(_("Mọi thứ đều ổn.")))
        return 0
    print(say(_("Cần sửa {n} điều trước khi dùng thật:"), n=len(problems)))
    for n, problem in enumerate(problems, 1):
        print(f"{n}. [{problem.check}] {problem.render(catalog)}")
    return 1
