"""``python -m kiosk``: serve the kiosk, manage users and tokens, make demo data, back up.

Every command has ``--help``. ``KIOSK_INSTANCE=/path`` chooses the instance folder.
"""
from __future__ import annotations

import argparse
import getpass
import sys


def _app():
    from kiosk import create_app
    return create_app()


def cmd_serve(args) -> int:
    """Serve with waitress (the production server; no debugger, several threads)."""
    from waitress import serve
    app = _app()
    print(f"Hài lòng: serving on http://{args.host}:{args.port}/  (instance: {app.instance_path})",
          flush=True)
    print(f"  Staff sign-in: http://{args.host}:{args.port}/login", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="hailong",
          clear_untrusted_proxy_headers=True, **_waitress_limits(app.config))
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
        print(f"Updated user {name} ({args.role}); their sessions have ended.")
    else:
        store.create_user(db, name, hash_password(password), args.role)
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
    """Fill the database with synthetic responses marked as demo."""
    from kiosk.domain import demo
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])

    def progress(done, total):
        width = 30
        filled = int(width * done / total) if total else width
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end="",
              file=sys.stderr, flush=True)

    demo.generate(db, args.responses, days=args.days, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(f"Added {args.responses:,} demo responses (marked demo = 1).")
    return 0


def cmd_backup(args) -> int:
    """A consistent copy of the database, safe while the server is taking ratings."""
    from kiosk.store.backup import backup
    from kiosk.store.db import init_db
    path = _database()
    init_db(path)
    backup(path, args.file)
    print(f"Backed up {path} to {args.file}")
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


def cmd_send_report(args) -> int:
    """Send the PDF report (Excel attached) of a period by e-mail; record the head it quotes."""
    from kiosk import store
    from kiosk.clock import local_today
    from kiosk.domain.report_mail import MailError, send_report
    from kiosk.store.db import connect
    app = _app()
    try:
        sent = send_report(app.config, app.config["DATABASE"], args.period, local_today(), args.to)
    except MailError as exc:
        print(f"error: the report was not sent: {exc}", file=sys.stderr)
        return 1
    if sent["chain"].get("seq"):
        db = connect(app.config["DATABASE"])
        try:
            store.record_report_head(db, "send-report", "report.pdf", sent["period"]["from"],
                                     sent["period"]["to"], sent["chain"])
        finally:
            db.conn.close()
    print(f"Sent \"{sent['subject']}\" to {', '.join(sent['recipients'])}")
    return 0


def _add_send_report(sub) -> None:
    from kiosk.domain.report_mail import PERIODS
    p = sub.add_parser("send-report", help="e-mail the report (PDF, Excel attached) of a period")
    p.add_argument("--period", choices=PERIODS, default="last-month",
                   help="month, quarter, year (to date) or the last whole month or quarter (default last-month)")
    p.add_argument("--to", action="append", metavar="ADDRESS",
                   help="send to this address instead of REPORT_RECIPIENTS (may be repeated)")
    p.set_defaults(func=cmd_send_report)


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
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-user", help="create a staff user or reset a password")
    p.add_argument("name", help="user name")
    p.add_argument("--role", required=True, choices=["admin", "leader", "officer"])
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
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

    p = sub.add_parser("demo-data", help="add synthetic responses marked as demo")
    p.add_argument("--responses", type=int, default=1000, help="how many (default 1000)")
    p.add_argument("--days", type=int, default=365, help="spread over this many past days")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("backup", help="consistent copy of the database while serving")
    p.add_argument("file", help="where to write the copy")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("verify", help="check the tamper-evident hash chain and the heads reports quoted")
    p.add_argument("--head", metavar="SEQ:HASH",
                   help="also check that this head, quoted by a report kept elsewhere, is still that link")
    p.set_defaults(func=cmd_verify)
    _add_send_report(sub)
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
