"""Units (đơn vị): ``create-unit``, ``list-units``, and which unit a new user or token
belongs to (``--unit CODE`` or ``--all-units``; with neither, the only unit)."""
from __future__ import annotations

import sqlite3
import sys

from kiosk.cli.common import _app

ALL = object()  # province-wide: every unit


def add_unit_choice(parser, what: str) -> None:
    """``--unit CODE`` | ``--all-units`` on ``create-user`` and ``create-token``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--unit", metavar="CODE", help=f"the unit (commune) the {what} belongs to (see list-units)")
    group.add_argument("--all-units", action="store_true",
                       help=f"a province-wide {what}: every unit (province staff)")


def chosen_unit(db, args):
    """The unit code ``args`` ask for, None for --all-units, or an error message (str
    wrapped in a 1-tuple). With neither option: the only unit; with several, ask which."""
    from kiosk import store
    if getattr(args, "all_units", False):
        return None
    if getattr(args, "unit", None):
        if store.get_unit(db, args.unit) is None:
            return (f"error: no unit {args.unit!r}; the units are: {_codes(db)} (python -m kiosk list-units)",)
        return args.unit
    only = store.only_unit(db)
    if only is None:
        return (f"error: this server has several units ({_codes(db)}); say which with --unit CODE, "
                "or --all-units for province staff",)
    return only


def _codes(db) -> str:
    from kiosk import store
    return ", ".join(u["code"] for u in store.list_units(db)) or "none"


def cmd_create_unit(args) -> int:
    """Add a unit (a commune) to this server; its names default to the installation's."""
    from kiosk import store
    from kiosk.domain import text
    from kiosk.settings import UNIT_CODE_PATTERN
    from kiosk.store.db import connect
    code, name = (args.code or "").strip(), text.line(args.name)
    if not UNIT_CODE_PATTERN.fullmatch(code):
        print('error: a unit code is letters, digits, "-" or "_" (at most 32), e.g. 27001', file=sys.stderr)
        return 2
    if not name:
        print("error: the unit needs a name, e.g. --name \"Xã Đông Hòa\"", file=sys.stderr)
        return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        store.create_unit(db, code, name, text.line(args.province or "") or None)
        store.audit(db, "cli", "create_unit", f"{code} {name}", unit=code)
    except sqlite3.IntegrityError:
        print(f"error: there is already a unit {code!r} (python -m kiosk list-units)", file=sys.stderr)
        return 1
    finally:
        db.conn.close()
    print(f"Created unit {code} ({name}).")
    return 0


def cmd_list_units(args) -> int:
    """Every unit: code, name, province, and how many ratings, users and tablets it has."""
    from kiosk import store
    from kiosk.store.db import connect
    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        rows = [(u["code"], u["name"], u["province"] or "", *store.unit_counts(db, u["code"]))
                for u in store.list_units(db)]
    finally:
        db.conn.close()
    header = ("code", "name", "province", "responses", "users", "tablets")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for line in (header, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())
    return 0


def _parse_assignments(pairs) -> dict | str:
    """{NAME: checked value} of ``--set NAME=VALUE`` pairs (VALUE as JSON where it parses,
    else the text, as for KIOSK_<NAME>), or an error message naming the first bad one."""
    import json

    from kiosk.domain.units import PER_UNIT
    from kiosk.settings import SETTINGS
    checks = {s.name: s for s in SETTINGS if s.name in PER_UNIT}
    out = {}
    for pair in pairs or []:
        name, sep, raw = pair.partition("=")
        name = name.strip().upper()
        if not sep or name not in checks:
            return f"error: --set takes NAME=VALUE with NAME one of {', '.join(PER_UNIT)} (got {pair!r})"
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        try:
            out[name] = checks[name].check(value)
        except ValueError as exc:
            hint = getattr(checks[name].check, "hint", "a valid value")
            return f"error: {name} = {raw!r}: {exc} (expected {hint})"
    return out


def cmd_unit_settings(args) -> int:
    """Show or change one unit's own settings: its names, opening hours, holidays and report
    recipients (everything it does not set is the installation's). Each value is checked
    as the same setting in instance/config.py is, so a unit can never hold one the server
    would refuse at start."""
    import json

    from kiosk import store
    from kiosk.domain import text
    from kiosk.domain.units import PER_UNIT, unit_settings
    from kiosk.store.db import connect
    changes = _parse_assignments(args.set)
    if isinstance(changes, str):
        print(changes, file=sys.stderr)
        return 2
    unknown = [n for n in args.unset or [] if n.upper() not in PER_UNIT]
    if unknown:
        print(f"error: --unset takes one of {', '.join(PER_UNIT)} (got {unknown[0]!r})", file=sys.stderr)
        return 2
    app = _app()
    db = connect(app.config["DATABASE"])
    try:
        unit = store.get_unit(db, args.code)
        if unit is None:
            print(f"error: no unit {args.code!r}; the units are: {_codes(db)} (python -m kiosk list-units)",
                  file=sys.stderr)
            return 2
        own = {**unit["settings"], **changes}
        for name in args.unset or []:
            own.pop(name.upper(), None)
        renamed = {k: v for k, v in (("name", text.line(args.name or "")),
                                     ("province", text.line(args.province or ""))) if v}
        if changes or args.unset or renamed:
            store.update_unit(db, args.code, settings=own, **renamed)
            store.audit(db, "cli", "unit_settings", json.dumps({**changes, **renamed, "unset": args.unset or []},
                                                               ensure_ascii=False), unit=args.code)
            unit = store.get_unit(db, args.code)
        effective = unit_settings(app.config, unit)
    finally:
        db.conn.close()
    print(f"unit {unit['code']} ({unit['name']}{', ' + unit['province'] if unit['province'] else ''})")
    for name in PER_UNIT:
        mark = "own" if name in unit["settings"] else "installation's"
        print(f"  {name} = {json.dumps(effective[name], ensure_ascii=False)}  ({mark})")
    return 0


def add_unit_commands(sub) -> None:
    """``create-unit`` and ``list-units``, registered by ``kiosk.cli.build_parser``."""
    p = sub.add_parser("create-unit", help="add a unit (a commune) to this server")
    p.add_argument("code", help="the unit's administrative code (e.g. 27001) or a short slug")
    p.add_argument("--name", required=True, help="its name, e.g. \"Xã Đông Hòa\"")
    p.add_argument("--province", help="its province, e.g. \"Tỉnh Bắc Ninh\"")
    p.set_defaults(func=cmd_create_unit)
    p = sub.add_parser("list-units", help="list the units (communes) of this server")
    p.set_defaults(func=cmd_list_units)
    p = sub.add_parser("unit-settings", help="show or change a unit's names, hours, holidays and report recipients")
    p.add_argument("code", help="the unit's code (see list-units)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help='e.g. --set OPENING_HOURS=\'{"0": ["07:00-11:30", "13:30-17:00"]}\' or '
                        '--set REPORT_RECIPIENTS=\'["vp@xa.gov.vn"]\' (JSON where it parses, else text)')
    p.add_argument("--unset", action="append", metavar="NAME", help="go back to the installation's value")
    p.add_argument("--name", help="rename the unit")
    p.add_argument("--province", help="change its province")
    p.set_defaults(func=cmd_unit_settings)
