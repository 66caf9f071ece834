"""Staff accounts and API tokens: ``create-user``, ``create-token``, ``list-tokens``, ``revoke-token``."""
from __future__ import annotations

import getpass
import sys

from kiosk.cli.common import _app, _database
from kiosk.cli.units import chosen_unit


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
    email = None
    if args.email is not None:
        from kiosk.settings import email_or_empty
        try:
            email = email_or_empty(args.email)
        except ValueError:
            print(f"error: {args.email!r} is not an e-mail address (e.g. chutich@xamau.gov.vn)", file=sys.stderr)
            return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    existing = store.get_user(db, username=name) or any(u["username"] == name for u in store.list_users(db))
    unit = None
    if not existing or args.unit or args.all_units:  # an update keeps the unit unless told
        unit = chosen_unit(db, args)
        if isinstance(unit, tuple):
            print(unit[0], file=sys.stderr)
            return 2
    if existing:
        store.set_password(db, name, hash_password(password), args.role)
        if args.full_name is not None:
            store.set_full_name(db, name, text.line(args.full_name))
        if email is not None:
            store.set_email(db, name, email)
        if args.unit or args.all_units:
            store.set_user_unit(db, name, unit, "cli")
        print(f"Updated user {name} ({args.role}); their sessions have ended.")
    else:
        store.create_user(db, name, hash_password(password), args.role,
                          text.line(args.full_name or "") or None, unit=unit, email=email or None)
        print(f"Created user {name} ({args.role}, {_scope(unit)}).")
    return 0


def _scope(unit: str | None) -> str:
    return f"unit {unit}" if unit else "all units"


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
    unit = chosen_unit(db, args)
    if isinstance(unit, tuple):
        print(unit[0], file=sys.stderr)
        return 2
    if unit is None and args.role == "kiosk":
        print("error: a kiosk token sends one commune's ratings: give its --unit CODE", file=sys.stderr)
        return 2
    token = new_token()
    store.create_token(db, name, args.role, hash_token(token), unit=unit)
    store.audit(db, "cli", "create_token", f"{name} ({args.role}, {_scope(unit)})", unit=unit)
    print(token)
    print(f"# token for {name} ({args.role}, {_scope(unit)}); shown once, keep it safe", file=sys.stderr)
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
    header = ("name", "role", "unit", "created (UTC)", "last used (UTC)", "state")
    table = [(r["name"], r["role"], r["unit"] or "all", (r["created_at"] or "")[:19],
              (r["last_used_at"] or "never")[:19],
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
