"""A commune joins with its history (``import-unit``): a standalone kiosk's database merged
into one unit of this installation.

What comes over: every response with its answers, flags, times and ids; complaints with
their history but **never a phone number** (it stays in the commune's own database, to be
erased there); receipts; the names of tablets (as revoked tablets: a credential is never
copied, a tablet is enrolled again here), counters and officers; procedures the shared
catalogue lacks. Users, tokens and sessions never come over.

How the source is trusted: it is copied with SQLite's backup API into a scratch file,
brought to this version's schema there (the source itself is never written), and its
integrity and hash chain are checked, with every head its reports quoted. A broken source
is refused whole; nothing is imported from it.

How imported rows enter this installation's chain: as new links of the target unit's
chain (chain v3, ``kiosk/store/chain.py``), each keeping its response id. They get new
``seq`` numbers; their place in the source chain is kept in ``responses.imported_from``
as ``"<source seq>:<source link hash>"``, sealed with the rest of the row, so anyone
holding the commune's backup can match each imported rating to its original link, and no
live row can later be passed off as imported or the reverse.

How a re-import is recognised (idempotence): a source response whose id is already here,
in the target unit, with ``imported_from`` equal to its source link is the same response,
already imported: skipped. A newer backup of the same kiosk holds the old links unchanged
(its chain only grows), so only its new responses are added. A source response whose id is
here with any other origin (a live rating, another unit, a different source link: a
rewritten source) is not imported: it is counted as a conflict and logged in
``conflicts``, and what is stored stays as it is. Receipts are recognised by code and
complaints by their response, each keeping what was stored; an imported receipt only gains
what it lacked (returned, used), never loses or changes a value; an imported complaint
catches up with its handling in the commune (``import_complaints.catch_up``) only while
nobody here has handled it.
"""
from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from kiosk.clock import iso, utcnow
from kiosk.store import import_complaints, rollups
from kiosk.store.backup import backup, check_copy
from kiosk.store.db import transaction
from kiosk.store.responses import insert_many

NOT_COPIED = {"seq", "prev_hash", "hash", "chain_version", "seal", "unit", "imported_from"}
RECEIPT_FILL = ("returned_at", "used_at", "response_id", "counter", "expires_at")
CHUNK = 2000


class SourceRefused(Exception):
    """The source cannot be imported; the message says why (nothing was imported)."""


def open_source(path, scratch: Path) -> sqlite_utils.Database:
    """A checked, current-schema copy of the database at ``path`` in folder ``scratch``.
    Raises SourceRefused when it is not a readable Hài lòng database or its chain is broken.

    The copy is brought to this version's schema before its chain is checked: migrations
    only add tables and columns (never re-seal a link), and the checker reads the columns
    of the current version."""
    from kiosk.store import migrations
    path = Path(path)
    if not path.is_file():
        raise SourceRefused(f"{path} does not exist")
    copy = scratch / "source.db"
    try:
        backup(path, copy)
        db = sqlite_utils.Database(sqlite3.connect(str(copy), isolation_level=None))
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok" or not db["responses"].exists():
                raise SourceRefused(f"{path} is not a Hài lòng database")
            migrations.apply(db)
        finally:
            db.conn.close()
    except (sqlite3.Error, RuntimeError) as exc:
        raise SourceRefused(f"{path} is not a readable database: {exc}") from None
    checked = check_copy(copy)
    if not checked["ok"]:
        raise SourceRefused(checked["detail"])
    db = sqlite_utils.Database(sqlite3.connect(str(copy), isolation_level=None))
    units = [r[0] for r in db.execute("SELECT DISTINCT unit FROM responses WHERE unit IS NOT NULL")]
    if len(units) > 1:
        db.conn.close()
        raise SourceRefused(f"the source holds several units ({', '.join(sorted(units))}); "
                            "import-unit takes one standalone kiosk's database")
    return db


def _columns(db, table: str) -> list[str]:
    return [c.name for c in db[table].columns] if db[table].exists() else []


def _missing_columns(source, target, table: str) -> list[str]:
    """Columns of the source that this installation cannot hold (a newer kiosk version):
    importing would drop their data, so the import is refused instead."""
    return [c for c in _columns(source, table) if c not in _columns(target, table)]


def merge(target, source, unit: str, source_name: str, actor: str = "cli") -> dict:
    """Merge ``source`` (from ``open_source``) into ``unit`` of ``target``, in one transaction.
    Returns the counts, also recorded as one row of ``imports``."""
    for table in ("responses", "answers", "receipts", "complaints"):
        extra = _missing_columns(source, target, table)
        if extra:
            raise SourceRefused(f"the source's {table} has columns this server does not know "
                                f"({', '.join(extra)}): update this server first")
    head = source.execute("SELECT seq, hash FROM responses ORDER BY seq DESC LIMIT 1").fetchone() or (0, "")
    counts = dict.fromkeys(("responses", "already", "conflicts", "complaints", "phones_left", "codes_dropped",
                            "complaints_updated", "complaints_kept", "receipts", "receipts_updated", "tablets",
                            "counters", "officers", "procedures"), 0)
    now = iso(utcnow())
    with transaction(target):
        run = target["imports"].insert({"at": now, "actor": actor, "unit": unit, "source": source_name,
                                        "source_seq": head[0], "source_hash": head[1]}).last_pk
        _names(target, source, unit, counts)
        _receipts(target, source, unit, run, counts)
        _responses(target, source, unit, run, now, counts)  # their rollups kept by insert_many
        rollups.rebuild_receipts(target)  # the receipts added or filled in, counted again (same transaction)
        target.execute("UPDATE imports SET detail = ? WHERE id = ?",
                       [json.dumps(counts, ensure_ascii=False), run])
    return {"import": run, "source_seq": head[0], "source_hash": head[1], **counts}


def _names(target, source, unit: str, counts: dict) -> None:
    """Tablets (revoked: enrolled again here), counters and officers by name, and the
    procedures the shared catalogue lacks; what exists is left alone."""
    for table in ("counters", "officers"):
        have = {r[0] for r in target.execute(f"SELECT name FROM {table} WHERE unit IS ?", [unit])}
        known = set(_columns(target, table)) - {"id", "unit"}
        for row in source.query(f"SELECT * FROM {table}"):
            if row["name"] not in have:
                target[table].insert({**{k: v for k, v in row.items() if k in known}, "unit": unit})
                counts[table] += 1
    have = {r[0] for r in target.execute("SELECT name FROM kiosks WHERE unit IS ?", [unit])}
    for row in source.query("SELECT name, counter, enrolled_at, enrolled_by, last_seen_at FROM kiosks"):
        if row["name"] not in have:
            # no token hash ever matches "imported:…" (tokens hash to hex): enrolling the
            # tablet here under this name gives it its credential
            target["kiosks"].insert({**row, "token_hash": f"imported:{unit}:{row['name']}", "revoked": 1,
                                     "unit": unit})
            counts["tablets"] += 1
    have = {r[0] for r in target.execute("SELECT code FROM procedures")}
    for row in source.query("SELECT * FROM procedures"):
        if row["code"] not in have:
            target["procedures"].insert({k: v for k, v in row.items() if k in _columns(target, "procedures")})
            counts["procedures"] += 1


def _receipts(target, source, unit: str, run: int, counts: dict) -> None:
    columns = [c for c in _columns(source, "receipts") if c not in ("unit", "imported_from")]
    for row in source.query(f"SELECT {', '.join(columns)} FROM receipts"):
        here = target.execute("SELECT unit, imported_from, " + ", ".join(RECEIPT_FILL) +
                              " FROM receipts WHERE code = ?", [row["code"]]).fetchone()
        if here is None:
            target["receipts"].insert({**row, "unit": unit, "imported_from": str(run)})
            counts["receipts"] += 1
            continue
        if here[0] != unit or here[1] is None:
            counts["conflicts"] += 1  # a live receipt, or another unit's, with this code: left alone
            continue
        gained = {c: row.get(c) for c, v in zip(RECEIPT_FILL, here[2:], strict=True) if v is None and row.get(c)}
        if gained:
            target["receipts"].update(row["code"], gained)
            counts["receipts_updated"] += 1


def _responses(target, source, unit: str, run: int, now: str, counts: dict) -> None:
    columns = [c for c in _columns(source, "responses") if c not in NOT_COPIED] + ["seq", "hash"]
    cur = source.execute(f"SELECT {', '.join(columns)} FROM responses ORDER BY seq")
    while True:
        chunk = [dict(zip(columns, values, strict=True)) for values in cur.fetchmany(CHUNK)]
        if not chunk:
            return
        marks = ", ".join("?" * len(chunk))
        here = {r[0]: (r[1], r[2]) for r in target.execute(
            f"SELECT id, unit, imported_from FROM responses WHERE id IN ({marks})", [r["id"] for r in chunk])}
        answers, complaints = _parts(source, [r["id"] for r in chunk if r["id"] not in here])
        items, source_ids, already = [], {}, []
        for row in chunk:
            link = f"{row.pop('seq')}:{row.pop('hash')}"
            if row["id"] in here:
                if here[row["id"]] == (unit, link):
                    counts["already"] += 1
                    already.append(row["id"])
                else:
                    counts["conflicts"] += 1
                    target["conflicts"].insert({"response_id": row["id"], "received_at": now,
                                                "source": f"import-unit {unit} #{run}",
                                                "body": json.dumps({"imported_from": link}, ensure_ascii=False)})
                continue
            complaint = complaints.get(row["id"])
            if complaint:
                counts["complaints"] += 1
                counts["phones_left"] += complaint.pop("_had_phone")
                source_ids[row["id"]] = complaint.pop("_source_id")
                if complaint.get("code") and target.execute(
                        "SELECT 1 FROM complaints WHERE code = ?", [complaint["code"]]).fetchone():
                    complaint["code"] = None  # taken here by another complaint: the reply shows on the receipt
                    counts["codes_dropped"] += 1
                complaint.update(unit=unit, imported_from=str(run))
            items.append((dict(row, unit=unit, imported_from=link), answers.get(row["id"], {}), complaint))
        counts["responses"] += insert_many(target, items)
        import_complaints.history(target, source, source_ids, run)
        import_complaints.catch_up(target, source, already, run, counts)


def _parts(source, ids: list[str]) -> tuple[dict, dict]:
    """({id: answers as insert_many takes them}, {id: complaint row without id or phone})."""
    answers: dict[str, dict] = {}
    complaints: dict[str, dict] = {}
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        marks = ", ".join("?" * len(part))
        for rid, qid, value in source.execute(
                f"SELECT response_id, question_id, value FROM answers WHERE response_id IN ({marks}) "
                "ORDER BY rowid", part):
            given = answers.setdefault(rid, {})
            given[qid] = [*given[qid], value] if isinstance(given.get(qid), list) else (
                [given[qid], value] if qid in given else value)
        for row in source.query(
                f"SELECT c.*, (cc.phone IS NOT NULL AND cc.erased_at IS NULL) AS _had_phone FROM complaints c "
                f"LEFT JOIN complaint_contacts cc ON cc.complaint_id = c.id WHERE c.response_id IN ({marks})", part):
            row["_source_id"] = row.pop("id")
            complaints[row["response_id"]] = row
    return answers, complaints


def import_file(target, path, unit: str, actor: str = "cli") -> dict:
    """Check the database at ``path`` and merge it into ``unit`` (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="hailong-import-") as scratch:
        source = open_source(path, Path(scratch))
        try:
            return merge(target, source, unit, str(path), actor)
        finally:
            source.conn.close()
