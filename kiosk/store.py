"""The only module that reads or writes tables.

Views, the API and the command line call these named functions, never raw SQL, so
every write path keeps the same guarantees: one transaction per response, the hash chain
extended under SQLite's write lock, nothing deleted.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

from .timeutil import iso, utcnow

GENESIS = "0" * 64
CHAIN_FIELDS = ("id", "seq", "questionnaire", "questionnaire_version", "channel", "overall",
                "scale", "complete", "rated_at", "submitted_at", "local_date", "kiosk",
                "receipt", "procedure_code", "officer", "flags", "demo", "body_hash")


class ReceiptAlreadyUsed(Exception):
    """The receipt code was used by another response first."""


@contextmanager
def write_transaction(db):
    """BEGIN IMMEDIATE … COMMIT: takes the write lock at once, so the read of the chain's
    tail and the insert after it cannot interleave with another writer."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def canonical_hash(body: dict) -> str:
    """SHA-256 of a JSON body with sorted keys: the same submission always hashes the same."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(prev_hash: str, record: dict) -> str:
    """The chain link of ``record``: SHA-256 over the previous link and its key fields."""
    parts = [prev_hash] + ["" if record.get(f) is None else str(record.get(f)) for f in CHAIN_FIELDS]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _tail(db) -> tuple[int, str]:
    row = db.execute("SELECT seq, hash FROM responses ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


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


def save_response(db, record: dict, answers: dict) -> tuple[str, dict]:
    """Store a response once. Returns ("created" | "duplicate" | "conflict", stored row).

    ``record`` carries the response columns including ``id`` and ``body_hash``. The same id
    with the same body is a duplicate (a retry); with a different body it is a conflict,
    logged in ``conflicts`` and never overwriting what was stored. A receipt is marked used
    in the same transaction; if another response used it first, ReceiptAlreadyUsed.
    """
    with write_transaction(db):
        existing = db.execute("SELECT * FROM responses WHERE id = ?", [record["id"]]).fetchone()
        if existing is not None:
            row = _row(db, "responses", existing)
            if row["body_hash"] == record["body_hash"]:
                return "duplicate", row
            db["conflicts"].insert({
                "response_id": record["id"], "received_at": record["submitted_at"],
                "body": record.get("_body", ""), "source": record.get("kiosk") or record["channel"],
            })
            return "conflict", row
        if record.get("receipt"):
            cur = db.execute(
                "UPDATE receipts SET used_at = ?, response_id = ? WHERE code = ? AND used_at IS NULL",
                [record["submitted_at"], record["id"], record["receipt"]])
            if cur.rowcount != 1:
                raise ReceiptAlreadyUsed(record["receipt"])
        seq, prev = _tail(db)
        row = {k: v for k, v in record.items() if not k.startswith("_")}
        row["seq"] = seq + 1
        row["prev_hash"] = prev
        row["hash"] = link_hash(prev, row)
        db["responses"].insert(row)
        db["answers"].insert_all(_answer_rows(row, answers))
    return "created", row


def insert_many(db, items) -> int:
    """Bulk insert (record, answers) pairs in one transaction, extending the chain.
    Used by demo data and imports; same chain rules as ``save_response``."""
    count = 0
    with write_transaction(db):
        seq, prev = _tail(db)
        rows, answer_rows = [], []
        for record, answers in items:
            seq += 1
            row = dict(record, seq=seq, prev_hash=prev)
            row["hash"] = prev = link_hash(prev, row)
            rows.append(row)
            answer_rows.extend(_answer_rows(row, answers))
            count += 1
        db["responses"].insert_all(rows, batch_size=500)
        db["answers"].insert_all(answer_rows, batch_size=1000)
    return count


def verify_chain(db) -> dict:
    """Walk the chain in order. Returns {"checked": n, "broken_at": seq or None, "reason"}."""
    prev, checked = GENESIS, 0
    expected_seq = 1
    cur = db.execute("SELECT * FROM responses ORDER BY seq")
    names = [d[0] for d in cur.description]
    for values in cur:
        row = dict(zip(names, values))
        if row["seq"] != expected_seq:
            return {"checked": checked, "broken_at": expected_seq, "reason": "missing response"}
        if row["prev_hash"] != prev:
            return {"checked": checked, "broken_at": row["seq"], "reason": "previous link does not match"}
        if link_hash(prev, row) != row["hash"]:
            return {"checked": checked, "broken_at": row["seq"], "reason": "response was altered"}
        prev = row["hash"]
        checked += 1
        expected_seq += 1
    return {"checked": checked, "broken_at": None, "reason": None}


def _row(db, table, values) -> dict:
    names = [c.name for c in db[table].columns]
    return dict(zip(names, values))


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


# --- users, tokens, tablets ------------------------------------------------------------

def create_user(db, username: str, password_hash: str, role: str) -> int:
    with db.atomic():
        return db["users"].insert({"username": username, "password_hash": password_hash,
                                   "role": role, "created_at": iso(utcnow()), "active": 1}).last_pk


def set_password(db, username: str, password_hash: str, role: str | None = None) -> None:
    updates = {"password_hash": password_hash}
    if role:
        updates["role"] = role
    sets = ", ".join(f"{k} = ?" for k in updates)
    db.execute(f"UPDATE users SET {sets} WHERE username = ?", [*updates.values(), username])


def get_user(db, user_id=None, username=None) -> dict | None:
    if user_id is not None:
        rows = list(db.query("SELECT * FROM users WHERE id = ? AND active = 1", [user_id]))
    else:
        rows = list(db.query("SELECT * FROM users WHERE username = ? AND active = 1", [username]))
    return rows[0] if rows else None


def list_users(db) -> list[dict]:
    return list(db.query("SELECT id, username, role, created_at, active FROM users ORDER BY username"))


def create_token(db, name: str, role: str, token_hash: str) -> int:
    return db["api_tokens"].insert({"name": name, "role": role, "token_hash": token_hash,
                                    "created_at": iso(utcnow()), "revoked": 0}).last_pk


def find_token(db, token_hash: str) -> dict | None:
    rows = list(db.query("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked = 0", [token_hash]))
    if not rows:
        return None
    db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [iso(utcnow()), rows[0]["id"]])
    return rows[0]


def enrol_kiosk(db, name: str, token_hash: str, by: str, counter: str | None = None) -> int:
    """Enrol a tablet under ``name``; re-enrolling a name replaces its credential."""
    now = iso(utcnow())
    with db.atomic():
        existing = list(db.query("SELECT id FROM kiosks WHERE name = ?", [name]))
        if existing:
            db["kiosks"].update(existing[0]["id"], {"token_hash": token_hash, "enrolled_at": now,
                                                    "enrolled_by": by, "revoked": 0})
            kiosk_id = existing[0]["id"]
        else:
            kiosk_id = db["kiosks"].insert({"name": name, "token_hash": token_hash, "counter": counter,
                                            "enrolled_at": now, "enrolled_by": by, "revoked": 0}).last_pk
        audit(db, by, "enrol_kiosk", name)
    return kiosk_id


def find_kiosk(db, token_hash: str) -> dict | None:
    rows = list(db.query("SELECT * FROM kiosks WHERE token_hash = ? AND revoked = 0", [token_hash]))
    return rows[0] if rows else None


def touch_kiosk(db, kiosk_id: int) -> None:
    """Record that a tablet was heard from (health page, silence warnings)."""
    db.execute("UPDATE kiosks SET last_seen_at = ? WHERE id = ?", [iso(utcnow()), kiosk_id])


def list_kiosks(db) -> list[dict]:
    return list(db.query("SELECT id, name, counter, enrolled_at, enrolled_by, last_seen_at, revoked "
                         "FROM kiosks ORDER BY name"))


def audit(db, actor: str, action: str, detail: str = "") -> None:
    db["audit_log"].insert({"at": iso(utcnow()), "actor": actor, "action": action, "detail": detail})

