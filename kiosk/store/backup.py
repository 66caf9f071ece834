"""Online backup: SQLite's backup API copies a consistent snapshot while writers continue.

``backup`` makes the copy; ``check_copy`` proves it usable (``integrity_check`` and the
responses' hash chain, on the copy itself, read-only); ``make_checked_backup`` does both,
keeps the copy only when it passed, rotates the server's scheduled copies and records the
attempt in the ``backups`` table; ``restore`` puts a checked copy in place of the database.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.store.db import transaction

SCHEDULED = re.compile(r"^kiosk-(\d{8}-\d{6})(?:-(\d+))?\.db$")  # only these are ever rotated away


def made_order(path: Path) -> tuple[str, int]:
    """Oldest first: by the time in the name, then the -2, -3 … of copies made in the same second
    (a plain name sort puts "-2.db" before ".db", and rotation would keep the wrong one)."""
    stamp, n = SCHEDULED.match(path.name).groups()
    return stamp, int(n or 1)


def backup(source, target) -> None:
    """Copy database ``source`` to ``target`` (overwritten), consistent at one instant."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".partial")
    if tmp.exists():
        tmp.unlink()
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # a copy of phone numbers: 0600
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise RuntimeError(f"backup failed its integrity check: {ok}")
    finally:
        dst.close()
        src.close()
    tmp.chmod(0o600)
    tmp.replace(target)


def check_copy(path) -> dict:
    """``{"ok", "responses", "detail"}`` for the database file at ``path``, opened read-only:
    SQLite's integrity_check, then the hash chain of the responses."""
    from kiosk.store.responses import verify_chain
    path = Path(path)
    if not path.is_file():
        return {"ok": False, "responses": 0, "detail": f"{path} does not exist"}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return {"ok": False, "responses": 0, "detail": f"cannot open: {exc}"}
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return {"ok": False, "responses": 0, "detail": f"integrity_check: {result}"}
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'responses'").fetchone():
            return {"ok": False, "responses": 0, "detail": "not a Hài lòng database (no responses table)"}
        copy = sqlite_utils.Database(conn)
        heads = []
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'report_heads'").fetchone():
            from kiosk.store.anchors import recorded_heads
            heads = recorded_heads(copy)  # every head a report quoted must still hold in the copy
        chain = verify_chain(copy, heads=heads)
        if chain["broken_at"] is not None:
            return {"ok": False, "responses": chain["checked"], "broken_at": chain["broken_at"],
                    "detail": f"hash chain broken at response #{chain['broken_at']}: {chain['reason']}"}
        return {"ok": True, "responses": chain["checked"], "detail": ""}
    except sqlite3.DatabaseError as exc:
        return {"ok": False, "responses": 0, "detail": f"not a readable database: {exc}"}
    finally:
        conn.close()


def record(db, at: str, file, ok: bool, responses: int = 0, detail: str = "", kind: str = "scheduled",
           size: int | None = None) -> None:
    """Note one backup attempt in ``backups``."""
    with transaction(db):
        db["backups"].insert({"at": at, "file": str(file), "size": size, "ok": 1 if ok else 0,
                              "responses": responses, "detail": detail, "kind": kind})


def last_backup(db, ok: bool = True) -> dict | None:
    """The latest good backup (``ok=True``) or the latest attempt of any outcome."""
    sql = "SELECT * FROM backups" + (" WHERE ok = 1" if ok else "") + " ORDER BY at DESC, id DESC LIMIT 1"
    rows = list(db.query(sql))
    return rows[0] if rows else None


def make_checked_backup(db, source, folder, keep: int, now: datetime, kind: str = "scheduled",
                        target=None) -> dict:
    """Copy ``source`` into ``folder`` as ``kiosk-YYYYMMDD-HHMMSS.db`` (or to ``target``),
    check the copy, and when it passed keep the newest ``keep`` scheduled copies. Records the
    attempt in ``db`` and returns ``{"ok", "kept", "file", "responses", "detail", "removed"}``.
    Never raises for a failed copy: the failure is the answer.

    A copy that fails its check is deleted, with one exception: when its hash chain breaks
    exactly where the database's own chain breaks, the copy is faithful and the damage is
    in the database. Then the copy is kept (a faithful copy of a damaged database is worth
    more than none), recorded as not good, and nothing is rotated away, so the good backups
    from before the damage stay until someone has looked."""
    from kiosk.clock import iso
    if target is None:
        folder = Path(folder)
        name, n = f"kiosk-{now:%Y%m%d-%H%M%S}.db", 1
        while (folder / name).exists():
            n += 1
            name = f"kiosk-{now:%Y%m%d-%H%M%S}-{n}.db"
        target = folder / name
    target = Path(target)
    removed: list[str] = []
    try:
        backup(source, target)
    except (OSError, sqlite3.Error, RuntimeError) as exc:  # e.g. a full disk
        partial = target.with_suffix(target.suffix + ".partial")
        if partial.exists():
            partial.unlink()
        result = {"ok": False, "responses": 0, "detail": f"{type(exc).__name__}: {exc}"}
    else:
        result = check_copy(target)
        if not result["ok"]:
            if result.get("broken_at") and _source_broken_at(db) == result["broken_at"]:
                result["kept"] = True
                result["detail"] += (" (the database itself is broken there: the copy is kept, older "
                                     "backups are not rotated away; run python -m kiosk verify)")
            else:
                target.unlink()  # a copy that fails its check is not a backup
    if not result["ok"]:
        kept = result.get("kept", False)
        record(db, iso(now), target, False, result["responses"], result["detail"], kind,
               target.stat().st_size if kept else None)
        return {**result, "kept": kept, "file": str(target), "removed": removed}
    result["kept"] = True
    record(db, iso(now), target, True, result["responses"], "", kind, target.stat().st_size)
    if target is not None and kind == "scheduled":
        copies = sorted((p for p in target.parent.iterdir() if SCHEDULED.match(p.name)), key=made_order)
        for old in copies[:-keep] if keep else []:
            old.unlink()
            removed.append(str(old))
    return {**result, "file": str(target), "removed": removed}


def _source_broken_at(db) -> int | None:
    from kiosk.store.anchors import recorded_heads
    from kiosk.store.responses import verify_chain
    return verify_chain(db, heads=recorded_heads(db))["broken_at"]


def restore(backup_file, database) -> dict:
    """Put ``backup_file`` in place of ``database``, as the README once said to do by hand:
    check the copy, copy it next to the database, drop the old WAL and shared-memory files,
    swap it in, check the result. The server must be stopped (the caller makes sure).
    Returns check_copy of the restored database; raises ValueError if the backup is bad."""
    checked = check_copy(backup_file)
    if not checked["ok"]:
        raise ValueError(checked["detail"])
    database = Path(database)
    incoming = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup_file, incoming)
    with open(incoming, "rb+") as f:
        os.fsync(f.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        side = database.with_name(database.name + suffix)
        if side.exists():
            side.unlink()
    try:
        incoming.chmod(0o600)
    except OSError:
        pass
    incoming.replace(database)
    return check_copy(database)
