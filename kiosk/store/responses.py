"""Responses and their answers: written once, chained by hash, never deleted."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import nullcontext
from functools import partial

from kiosk.store import chain, group_commit, rollups
from kiosk.store.batch import current as current_batch
from kiosk.store.chain import GENESIS
from kiosk.store.db import transaction
from kiosk.store.rollup_counts import MAX_VARIABLES
from kiosk.store.units import first_unit
from kiosk.store.verify import verify_chain  # noqa: F401 (part of this module's interface)


class ReceiptAlreadyUsed(Exception):
    """The receipt code was used by another response first."""


def canonical_hash(body: dict) -> str:
    """SHA-256 of a JSON body with sorted keys: the same submission always hashes the same."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tail(db) -> tuple[int, str]:
    """(last seq, last hash) of the whole installation: seq is one order for every unit."""
    row = db.execute("SELECT seq, hash FROM responses ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def _batch_tails(db, unit: str | None) -> tuple[int, str]:
    """(next seq, previous link of ``unit``'s chain) for a new response. Inside a group
    commit the batch remembers both from its previous rating (``_note_tails``), so the
    second and later ratings of a batch do not read them again."""
    batch = current_batch()
    known = batch.known if batch is not None else {}
    if "first_unit" not in known:
        known["first_unit"] = first_unit(db)
    chain_of = unit or known["first_unit"]
    if "seq" not in known or ("tail", chain_of) not in known:
        seq, (_, known["tail", chain_of]) = _tails(db, unit, known["first_unit"])
        known.setdefault("seq", seq)
    return known["seq"] + 1, known["tail", chain_of]


def _note_tails(row: dict) -> None:
    batch = current_batch()
    if batch is not None:
        batch.known["seq"] = row["seq"]
        batch.known["tail", row.get("unit") or batch.known["first_unit"]] = row["hash"]


def _unit_tail(db, unit: str | None, first: str | None) -> tuple[int, str]:
    """(seq, hash) of the last link of ``unit``'s chain (chain v3: a response's previous
    link is the previous response of its own unit); (0, GENESIS) for a unit's first. Rows
    without a unit belong to the first unit's chain (``kiosk.store.verify.chain_of``).
    ``first``: the first unit's code (``first_unit``)."""
    return _tails(db, unit, first)[1]


_LAST_OF_UNIT = "(SELECT {} FROM responses WHERE unit IS ? ORDER BY seq DESC LIMIT 1)"


def _tails(db, unit: str | None, first: str | None) -> tuple[int, tuple[int, str]]:
    """(the installation's last seq, ``_unit_tail``) in one statement: an indexed look-up on
    (unit, seq) for each unit whose rows make the chain, and the last seq on its own index."""
    units = list(dict.fromkeys([unit or first, None])) if (unit or first) == first else [unit]
    lasts = [_LAST_OF_UNIT.format(column) for _ in units for column in ("seq", "hash")]
    row = db.execute(f"SELECT (SELECT max(seq) FROM responses), {', '.join(lasts)}",
                     [u for u in units for _ in (0, 1)]).fetchone()
    best = (0, GENESIS)
    for seq, link in zip(row[1::2], row[2::2], strict=True):
        if seq is not None and seq > best[0]:
            best = (seq, link)
    return row[0] or 0, best


def _answer_rows(row: dict, answers: dict) -> list[dict]:
    """One row per answer (per choice for multi-choice), carrying the response's local date
    and flagged state so report queries need no join."""
    common = {"response_id": row["id"], "local_date": row["local_date"],
              "flagged": 1 if row.get("flags") else 0}
    out = []
    for qid, value in answers.items():
        values = value if isinstance(value, list) else [value]
        out.extend(dict(common, question_id=qid, value=str(v)) for v in values)
    return out


def _insert(db, table: str, rows: list[dict]) -> None:
    """Plain INSERT with the rows' own columns: the hot path needs no table introspection.
    A rating's few rows go in one statement (``executemany`` steps once per row, and each
    step is a turn of the GIL for the writer); a bulk insert's many, row by row."""
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    values = [[r.get(c) for c in columns] for r in rows]
    head = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES "
    one = f"({', '.join('?' for _ in columns)})"
    if len(rows) * len(columns) <= MAX_VARIABLES:
        db.conn.execute(head + ", ".join([one] * len(rows)), [v for row in values for v in row])
    else:
        db.conn.executemany(head + one, values)


def save_response(db, record: dict, answers: dict, *, complaint: dict | None = None,
                  conflict_body="", flagger=None) -> tuple[str, dict]:
    """Store a response once. Returns ("created" | "duplicate" | "conflict", stored row).

    ``record`` carries the response columns including ``id`` and ``body_hash``. The same id
    with the same body is a duplicate (a retry); with a different body it is a conflict,
    logged in ``conflicts`` (``conflict_body``: the body as received, or a function making
    it, called only for a conflict) and never overwriting what was stored. A receipt is
    marked used in the same transaction; if another response used it first,
    ReceiptAlreadyUsed. ``flagger(db, row)`` returns integrity flags; it runs under the write
    lock, so what it counts (earlier taps, bursts) cannot change before the row is written
    (``flagger.before``, if it has one, decided the rest already). ``complaint`` (checked by
    the domain) is stored with the response. Ratings that arrive together share one COMMIT
    (``group_commit``); this returns once its own is on disk.
    """
    queue = group_commit.queue_of(db)
    topic_text = (complaint["topic"], complaint["text"]) if complaint else None
    known = chain.settled(record, topic_text)  # before the write turn: only the rest is made in it

    # job(d) writes it on the connection ``d``; a partial, so that it can cross to the writer process
    job = partial(_save, record=record, answers=answers, complaint=complaint,
                  conflict_body=conflict_body, flagger=flagger, known=known)
    if queue is not None and queue.remote is not None and not db.conn.in_transaction:
        done = queue.remote.save(job)
        if done is not NotImplemented:
            return done
    return job(db) if queue is None else queue.run(db, job)


def _save(db, record: dict, answers: dict, complaint, conflict_body, flagger,
          known: dict | None = None) -> tuple[str, dict]:
    """``save_response`` on the connection ``db`` (the batch leader's, inside the batch's
    transaction there: it needs none of its own). ``known``: ``chain.settled``'s digests."""
    with nullcontext() if current_batch() else transaction(db):
        row = dict(record)
        if flagger is not None:
            flags = set(filter(None, row.get("flags", "").split())) | set(flagger(db, row))
            row["flags"] = " ".join(sorted(flags))
        row["seq"], prev = _batch_tails(db, row.get("unit"))
        answer_rows = _answer_rows(row, answers)
        _seal(row, prev, answer_rows, complaint, known)
        try:  # a new id, nearly always: the insert itself says whether it is one
            _insert(db, "responses", [row])
        except sqlite3.IntegrityError:
            cur = db.execute("SELECT * FROM responses WHERE id = ?", [record["id"]])
            existing = cur.fetchone()
            if existing is None:
                raise
            stored = dict(zip([d[0] for d in cur.description], existing, strict=True))
            return _again(db, record, stored, conflict_body)
        if record.get("receipt"):  # after the insert: a retry of a bound rating is a duplicate
            with rollups.receipts_changing(db, "code = ?", [record["receipt"]]):
                cur = db.execute(
                    "UPDATE receipts SET used_at = ?, response_id = ? WHERE code = ? AND used_at IS NULL",
                    [record["submitted_at"], record["id"], record["receipt"]])
            if cur.rowcount != 1:  # rolled back with the rating's insert
                raise ReceiptAlreadyUsed(record["receipt"])
        _insert(db, "answers", answer_rows)
        rollups.add(db, rollups.contributions([row], answer_rows))
        if complaint:
            from kiosk.store.complaints import insert_complaint
            insert_complaint(db, row["id"], dict(complaint, receipt=row.get("receipt"), unit=row.get("unit")),
                             row["submitted_at"], complaint["due_date"])
        _note_tails(row)
    return "created", row


def _again(db, record: dict, stored: dict, conflict_body) -> tuple[str, dict]:
    """A response whose id is stored already: the same body is a retry (duplicate); another
    body is a conflict, logged in ``conflicts`` and never overwriting what was stored."""
    if stored["body_hash"] == record["body_hash"]:
        return "duplicate", stored
    db.execute("INSERT INTO conflicts (response_id, received_at, body, source) VALUES (?, ?, ?, ?)",
               [record["id"], record["submitted_at"], conflict_body() if callable(conflict_body) else conflict_body,
                record.get("kiosk") or record["channel"]])
    return "conflict", stored


def _seal(row: dict, prev: str, answer_rows: list[dict], complaint: dict | None, known: dict | None = None) -> None:
    """Set the chain columns of a new row: the link under the current chain version
    (``known``: its ``chain.settled`` digests, if made already)."""
    sealed = [(a["question_id"], a["value"], a["local_date"], a["flagged"]) for a in answer_rows]
    topic_text = (complaint["topic"], complaint["text"]) if complaint else None
    row["prev_hash"] = prev
    row["chain_version"] = chain.VERSION
    row["hash"], row["seal"] = chain.seal(prev, row, sealed, topic_text, known)


def insert_many(db, items) -> int:
    """Bulk insert (record, answers) or (record, answers, complaint) in one transaction,
    extending the chain. Used by demo data and imports; the same chain rules as
    ``save_response`` (a complaint is sealed with its response, so it goes in here too)."""
    count = 0
    with transaction(db):
        seq, first = _tail(db)[0], first_unit(db)
        tails: dict[str | None, str] = {}  # unit → its last link so far
        rows, answer_rows, complaints = [], [], []
        for record, answers, *rest in items:
            complaint = rest[0] if rest else None
            seq += 1
            row = dict(record, seq=seq)
            unit = row.get("unit")
            if unit not in tails:
                tails[unit] = _unit_tail(db, unit, first)[1]
            these = _answer_rows(row, answers)
            _seal(row, tails[unit], these, complaint)
            tails[unit] = row["hash"]
            rows.append(row)
            answer_rows.extend(these)
            if complaint:
                complaints.append((row, complaint))
            count += 1
        _insert(db, "responses", rows)
        _insert(db, "answers", answer_rows)
        rollups.apply(db, rollups.contributions(rows, answer_rows))
        if complaints:  # full complaint rows (demo data, imports), with their response's id
            _insert(db, "complaints", [dict(c, response_id=row["id"], unit=c.get("unit", row.get("unit")))
                                        for row, c in complaints])
    return count


def get_response(db, response_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM responses WHERE id = ?", [response_id]))
    if not rows:
        return None
    row = rows[0]
    row["answers"] = {}
    for a in db.query("SELECT question_id, value FROM answers WHERE response_id = ? ORDER BY rowid",
                      [response_id]):
        row["answers"].setdefault(a["question_id"], []).append(a["value"])
    return row


def count_responses(db, **where) -> int:
    sql = "SELECT count(*) FROM responses"
    if where:
        sql += " WHERE " + " AND ".join(f"{k} = ?" for k in where)
    return db.execute(sql, list(where.values())).fetchone()[0]


def list_responses(db, limit: int = 100) -> list[dict]:
    return list(db.query("SELECT * FROM responses ORDER BY seq DESC LIMIT ?", [limit]))




def chain_head(db, unit: str | None = None) -> dict:
    """The last link of the hash chain: reports quote it so their data can be checked.
    ``unit``: the last link of that unit's own chain; None: the installation's last response."""
    seq, head = _tail(db) if unit is None else _unit_tail(db, unit, first_unit(db))
    return {"seq": seq, "hash": head}
