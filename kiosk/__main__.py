"""``python -m kiosk``: serve the kiosk, manage users and tokens, make demo data, back up.

Every command has ``--help``. ``KIOSK_INSTANCE=/path`` chooses the instance folder.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys


def _app():
    from kiosk import create_app
    return create_app()


def cmd_serve(args) -> int:
    """Serve with waitress (the production server; no debugger, several threads)."""
    import os

    from waitress import serve
    if args.demo:
        os.environ["KIOSK_DEMO_MODE"] = "1"
    app = _app()
    hops = app.config["TRUSTED_PROXIES"]
    print(f"Hài lòng: serving on http://{args.host}:{args.port}/  (instance: {app.instance_path})",
          flush=True)
    print(f"  Staff sign-in: http://{args.host}:{args.port}/login", flush=True)
    if hops:
        print(f"  Behind {hops} reverse prox{'y' if hops == 1 else 'ies'} (TRUSTED_PROXIES): "
              f"citizens use {app.config['PUBLIC_BASE_URL']}", flush=True)
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            print(f"WARNING: TRUSTED_PROXIES = {hops} but the server listens on {args.host}: anyone who "
                  "reaches it directly can fake their address. Listen on 127.0.0.1 behind the proxy.",
                  file=sys.stderr, flush=True)
    # One place reads forwarded headers: the app's ProxyFix (kiosk/web/proxy.py), with exactly
    # TRUSTED_PROXIES hops. waitress passes them through only then; at 0 it drops them, so
    # neither layer can be fooled by a client that sends its own X-Forwarded-For.
    from kiosk.domain import backups
    from kiosk.store import serverlock
    if app.config["DEMO_MODE"]:
        print(f"  DEMO: serving the demo database {app.config['DATABASE']}, not the real one", flush=True)
    # restore and demo-data --remove refuse to run while this is held
    lock = serverlock.hold(app.instance_path, app.config["DATABASE"])
    if lock is None:
        print(f"error: another server already serves {app.instance_path} "
              f"(pid and database: {serverlock.in_use(app.instance_path)})", file=sys.stderr)
        return 1
    # the demo database is not backed up: its copies would rotate the real ones away
    schedule = None if app.config["DEMO_MODE"] else backups.start(app.config, app.instance_path)
    if schedule:
        print(f"  Backups: every {app.config['BACKUP_EVERY_HOURS']} h into "
              f"{backups.folder(app.config, app.instance_path)}, newest {app.config['BACKUP_KEEP']} kept",
              flush=True)
    elif not app.config["DEMO_MODE"]:
        print("WARNING: scheduled backups are off (BACKUP_EVERY_HOURS = 0)", file=sys.stderr, flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="hailong",
              trusted_proxy=None, clear_untrusted_proxy_headers=not hops, **_waitress_limits(app.config))
    finally:
        if schedule:
            schedule.stop()
        lock.close()
    return 0


def _waitress_limits(config) -> dict:
    """Connection limits against slow clients. waitress reads a request completely before
    a worker thread sees it, so a slow client costs a connection slot, not a thread: with
    many slots (and poll(), which has no 1,024-descriptor ceiling) 150 clients trickling
    headers leave room for real requests. The real defence is a reverse proxy (README)."""
    return {"connection_limit": config["SERVER_CONNECTION_LIMIT"],
            "channel_timeout": config["SERVER_CHANNEL_TIMEOUT"],
            "cleanup_interval": min(30, config["SERVER_CHANNEL_TIMEOUT"]),
            "asyncore_use_poll": True, "backlog": 1024}


def _database() -> str:
    """The database path, without building the app: ``backup`` and ``verify`` must work
    while a questionnaire file (or the web layer) is broken."""
    from flask import Config

    from kiosk import instance_path
    folder = instance_path()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    config = Config(str(folder))
    config["DATABASE"] = str(folder / "kiosk.db")
    config.from_pyfile("config.py", silent=True)
    return config["DATABASE"]


def cmd_create_user(args) -> int:
    """Create a staff user (or reset the password of an existing one)."""
    from kiosk import store
    from kiosk.domain import text
    from kiosk.domain.credentials import hash_password
    from kiosk.store.db import connect
    name = text.line(args.name)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass("Password: ")
            repeat = getpass.getpass("Repeat: ")
        except EOFError:
            print("error: no terminal to type the password in; use --password-stdin", file=sys.stderr)
            return 2
        if password != repeat:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    password = text.clean(password)  # as the sign-in form will receive it
    if len(password) < 8:
        print("error: the password needs at least 8 characters", file=sys.stderr)
        return 2
    if not name:
        print("error: the user name is empty", file=sys.stderr)
        return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    if store.get_user(db, username=name) or any(u["username"] == name for u in store.list_users(db)):
        store.set_password(db, name, hash_password(password), args.role)
        if args.full_name is not None:
            store.set_full_name(db, name, text.line(args.full_name))
        print(f"Updated user {name} ({args.role}); their sessions have ended.")
    else:
        store.create_user(db, name, hash_password(password), args.role,
                          text.line(args.full_name or "") or None)
        print(f"Created user {name} ({args.role}).")
    return 0


def cmd_create_token(args) -> int:
    """Make an API token; it is printed once and stored only as a hash."""
    from kiosk import store
    from kiosk.domain import text
    from kiosk.domain.credentials import hash_token, new_token
    from kiosk.store.db import connect
    name = text.line(args.name)
    if not name:
        print("error: the token needs a name", file=sys.stderr)
        return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    token = new_token()
    store.create_token(db, name, args.role, hash_token(token))
    store.audit(db, "cli", "create_token", f"{name} ({args.role})")
    print(token)
    print(f"# token for {name} ({args.role}); shown once, keep it safe", file=sys.stderr)
    return 0


def cmd_list_tokens(args) -> int:
    """Every API token: name, role, created, last used, revoked. Never the token itself
    (only its hash is stored)."""
    from kiosk import store
    from kiosk.store.db import connect, init_db
    path = _database()
    init_db(path)
    rows = store.list_tokens(connect(path))
    if not rows:
        print("No API tokens. Make one with: python -m kiosk create-token NAME --role ROLE")
        return 0
    header = ("name", "role", "created (UTC)", "last used (UTC)", "state")
    table = [(r["name"], r["role"], (r["created_at"] or "")[:19], (r["last_used_at"] or "never")[:19],
              "revoked" if r["revoked"] else "active") for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table, strict=True)]
    for line in (header, *table):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())
    return 0


def cmd_revoke_token(args) -> int:
    """Revoke every active token with this name; callers using it get 401 at once."""
    from kiosk import store
    from kiosk.domain import text
    from kiosk.store.db import connect, init_db
    path = _database()
    init_db(path)
    name = text.line(args.name)
    count = store.revoke_tokens(connect(path), "cli", name=name)
    if not count:
        print(f"error: no active token called {name!r} (see: python -m kiosk list-tokens)", file=sys.stderr)
        return 1
    print(f"Revoked {count} token(s) called {name!r}.")
    return 0


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

    demo.generate(db, args.responses, days=args.days, seed=args.seed, progress=progress)
    db.conn.close()
    print(file=sys.stderr)
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
    init_db(path)  # brings an older database's schema up (never drops data)
    db = connect(path)
    recorded = store.recorded_heads(db)
    result = store.verify_chain(db, heads=heads + recorded)
    if result["broken_at"] is None:
        head = store.chain_head(db)
        print(f"OK: {result['checked']:,} responses, chain intact; {len(recorded):,} recorded report heads hold.")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk",
        description="Hài lòng: satisfaction kiosk for a commune's one-stop counter. "
                    "Without a command: serve. KIOSK_INSTANCE chooses the instance folder.")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("serve", help="serve the kiosk with waitress (the default)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for the LAN)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.add_argument("--demo", action="store_true",
                   help="serve the demo database instance/demo.db (made by demo-data), not the real one")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-user", help="create a staff user or reset a password")
    p.add_argument("name", help="user name")
    p.add_argument("--role", required=True, choices=["admin", "leader", "officer"])
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--full-name", help="the person's name (họ tên), shown on receipts, in the inbox and reports")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("create-token", help="make an API token (printed once)")
    p.add_argument("name", help="what the token is for, e.g. 'one-stop software'")
    p.add_argument("--role", required=True, choices=["officer", "leader", "kiosk"])
    p.set_defaults(func=cmd_create_token)

    p = sub.add_parser("list-tokens", help="list API tokens (never the token itself)")
    p.set_defaults(func=cmd_list_tokens)

    p = sub.add_parser("revoke-token", help="revoke the API token(s) with this name")
    p.add_argument("name", help="the token's name, as shown by list-tokens")
    p.set_defaults(func=cmd_revoke_token)

    p = sub.add_parser("demo-data", help="synthetic responses in their own database instance/demo.db")
    p.add_argument("--responses", type=int, default=1000, help="how many (default 1000)")
    p.add_argument("--days", type=int, default=365, help="spread over this many past days")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.add_argument("--remove", action="store_true",
                   help="remove every demo row: instance/demo.db, and what older versions put in kiosk.db")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("backup", help="consistent copy of the database while serving")
    p.add_argument("file", help="where to write the copy")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a checked backup (server stopped)")
    p.add_argument("file", help="the backup to restore, e.g. instance/backups/kiosk-20261201-020000.db")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("doctor", help="check what would break in production (exit 1 with the list)")
    p.add_argument("--lang", choices=["vi", "en"], default="vi", help="language (default Vietnamese)")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("verify", help="check the tamper-evident hash chain and the heads reports quoted")
    p.add_argument("--head", metavar="SEQ:HASH",
                   help="also check that this head, quoted by a report kept elsewhere, is still that link")
    p.set_defaults(func=cmd_verify)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]  # `python -m kiosk --port 8000` serves
    args = parser.parse_args(argv)
    from kiosk.settings import SettingsError
    from survey_forms import QuestionnaireError
    try:
        return args.func(args)
    except SettingsError as exc:  # a malformed setting: say which, no traceback
        print(f"error: a setting in instance/config.py or KIOSK_* is not valid: {exc}", file=sys.stderr)
        return 2
    except QuestionnaireError as exc:
        print(f"error: a questionnaire file is not valid: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
