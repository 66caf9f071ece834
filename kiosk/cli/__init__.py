"""``python -m kiosk``: serve the kiosk, manage users and tokens, make demo data, back up,
restore, verify, doctor, rebuild the summary's rollups.

Every command has ``--help``. ``KIOSK_INSTANCE=/path`` chooses the instance folder. The
commands live by theme in ``serve``, ``people`` and ``data``; this module is the parser.
"""
from __future__ import annotations

import argparse
import sys

from kiosk.cli.data import cmd_backup, cmd_demo_data, cmd_doctor, cmd_restore, cmd_verify
from kiosk.cli.imports import add_import_unit
from kiosk.cli.people import cmd_create_token, cmd_create_user, cmd_list_tokens, cmd_revoke_token
from kiosk.cli.reports import add_send_report
from kiosk.cli.rollups import add_rebuild_rollups
from kiosk.cli.serve import cmd_serve
from kiosk.cli.units import add_unit_choice, add_unit_commands


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
    p.add_argument("--email", help="where this leader's or admin's alerts go (\"\" clears it)")
    add_unit_choice(p, "user")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("create-token", help="make an API token (printed once)")
    p.add_argument("name", help="what the token is for, e.g. 'one-stop software'")
    p.add_argument("--role", required=True, choices=["officer", "leader", "kiosk"])
    add_unit_choice(p, "token")
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
    p.add_argument("--units", type=int, default=0, metavar="N",
                   help="spread the responses over N demo communes (codes 99001…, one of them tiny), "
                        "for training province staff on the league table")
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
    p.add_argument("--unit", metavar="CODE", help="check only this unit's chain (each unit's verifies on its own)")
    p.set_defaults(func=cmd_verify)
    add_send_report(sub)
    add_unit_commands(sub)
    add_import_unit(sub)
    add_rebuild_rollups(sub)
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
