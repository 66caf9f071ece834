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
          clear_untrusted_proxy_headers=True)
    return 0


def cmd_create_user(args) -> int:
    """Create a staff user (or reset the password of an existing one)."""
    from kiosk import store
    from kiosk.domain.credentials import hash_password
    from kiosk.store.db import connect
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
    if len(password) < 8:
        print("error: the password needs at least 8 characters", file=sys.stderr)
        return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    if store.get_user(db, username=args.name):
        store.set_password(db, args.name, hash_password(password), args.role)
        print(f"Updated user {args.name} ({args.role}).")
    else:
        store.create_user(db, args.name, hash_password(password), args.role)
        print(f"Created user {args.name} ({args.role}).")
    return 0


def cmd_create_token(args) -> int:
    """Make an API token; it is printed once and stored only as a hash."""
    from kiosk import store
    from kiosk.domain.credentials import hash_token, new_token
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])
    token = new_token()
    store.create_token(db, args.name, args.role, hash_token(token))
    store.audit(db, "cli", "create_token", f"{args.name} ({args.role})")
    print(token)
    print(f"# token for {args.name} ({args.role}); shown once, keep it safe", file=sys.stderr)
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
    app = _app()
    backup(app.config["DATABASE"], args.file)
    print(f"Backed up {app.config['DATABASE']} to {args.file}")
    return 0


def cmd_verify(args) -> int:
    """Check the responses' hash chain; exit 1 at the first broken link."""
    from kiosk import store
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])
    result = store.verify_chain(db)
    if result["broken_at"] is None:
        head = store.chain_head(db)
        print(f"OK: {result['checked']:,} responses, chain intact.")
        if head["seq"]:
            print(f"Last link: response #{head['seq']} {head['hash']} "
                  "(reports quote this to show which data they were computed from)")
        return 0
    print(f"BROKEN at response #{result['broken_at']}: {result['reason']} "
          f"({result['checked']:,} checked before it).")
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

    p = sub.add_parser("demo-data", help="add synthetic responses marked as demo")
    p.add_argument("--responses", type=int, default=1000, help="how many (default 1000)")
    p.add_argument("--days", type=int, default=365, help="spread over this many past days")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("backup", help="consistent copy of the database while serving")
    p.add_argument("file", help="where to write the copy")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("verify", help="check the tamper-evident hash chain")
    p.set_defaults(func=cmd_verify)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]  # `python -m kiosk --port 8000` serves
    args = parser.parse_args(argv)
    from survey_forms import QuestionnaireError

    from kiosk.settings import SettingsError
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
