"""Verifying the hash chain: every unit's chain (or one), link by link, and the heads
that reports quoted (``kiosk/store/chain.py`` says what each version covers)."""
from __future__ import annotations

from kiosk.store import chain
from kiosk.store.chain import GENESIS
from kiosk.store.units import first_unit

VERIFY_CHUNK = 2000


def chain_of(row: dict, first: str | None) -> str | None:
    """The unit whose chain ``row`` is a link of: its own unit under chain v3; the first
    unit for v1/v2 links (sealed when there was one commune) and for rows without a unit."""
    if (row.get("chain_version") or 1) < 3 or row.get("unit") is None:
        return first
    return row["unit"]


def verify_chain(db, heads=(), unit: str | None = None) -> dict:
    """Walk the chain in order, recomputing every link from the stored rows, answers and
    complaints. ``heads``: (seq, hash) pairs quoted elsewhere (recorded reports, --head);
    each must still be that link. ``unit``: check only that unit's chain (with the first
    unit, the v1/v2 links too); None: every unit's, and that no seq is missing.
    Returns {"checked": n, "broken_at": seq or None, "reason"}."""
    wanted = {}
    for seq, head in heads:
        wanted.setdefault(int(seq), set()).add(head)
    first = first_unit(db)
    prev: dict = {}  # chain (unit) → its last link so far
    checked, expected_seq = 0, 1
    if unit is None:
        cur = db.execute("SELECT * FROM responses ORDER BY seq")
    else:
        cur = db.execute("SELECT * FROM responses WHERE unit = ? "
                         "OR (? AND (unit IS NULL OR coalesce(chain_version, 1) < 3)) ORDER BY seq",
                         [unit, unit == first])
    names = [d[0] for d in cur.description]
    while True:
        chunk = [dict(zip(names, values, strict=True)) for values in cur.fetchmany(VERIFY_CHUNK)]
        if not chunk:
            break
        answers, complaints = _sealed_parts(db, [r["id"] for r in chunk])
        for row in chunk:
            if unit is None and row["seq"] != expected_seq:
                return _broken(checked, expected_seq, "a response is missing")
            old = (row["chain_version"] or 1) < 3
            if old and row["unit"] not in (first, None):  # v1/v2 do not seal the unit: the first unit's
                return _broken(checked, row["seq"], "the unit of a response sealed before units existed was changed")
            key = chain_of(row, first)
            if row["prev_hash"] != prev.get(key, GENESIS):  # say what changed, when the row itself did
                changed = chain.check_link(row["prev_hash"], row, answers.get(row["id"], []),
                                           complaints.get(row["id"]))
                return _broken(checked, row["seq"], changed or "the previous link does not match")
            problem = chain.check_link(prev.get(key, GENESIS), row, answers.get(row["id"], []),
                                       complaints.get(row["id"]))
            if problem:
                return _broken(checked, row["seq"], problem)
            if row["seq"] in wanted and row["hash"] not in wanted.pop(row["seq"]):
                return _broken(checked, row["seq"], "a quoted head is no longer this link (the chain was rewritten)")
            prev[key] = row["hash"]
            checked += 1
            expected_seq += 1
    if unit is not None:  # heads of other units are theirs to check; a head of no row is gone
        wanted = {s: h for s, h in wanted.items()
                  if db.execute("SELECT 1 FROM responses WHERE seq = ?", [s]).fetchone() is None}
    if wanted:
        missing = min(wanted)
        return _broken(checked, missing, f"a quoted head #{missing} is gone (responses were deleted)")
    return {"checked": checked, "broken_at": None, "reason": None}


def _broken(checked: int, seq: int, reason: str) -> dict:
    return {"checked": checked, "broken_at": seq, "reason": reason}


def _sealed_parts(db, ids: list[str]) -> tuple[dict, dict]:
    """({response id: answers rows}, {response id: (topic, text)}) for a chunk of responses."""
    answers: dict[str, list] = {}
    complaints: dict[str, tuple] = {}
    for start in range(0, len(ids), 900):  # under SQLite's variable limit
        part = ids[start:start + 900]
        marks = ", ".join("?" * len(part))
        for rid, qid, value, day, flagged in db.execute(
                f"SELECT response_id, question_id, value, local_date, flagged FROM answers "
                f"WHERE response_id IN ({marks})", part):
            answers.setdefault(rid, []).append((qid, value, day, flagged))
        for rid, topic, text in db.execute(
                f"SELECT response_id, topic, text FROM complaints WHERE response_id IN ({marks})", part):
            complaints[rid] = (topic, text)
    return answers, complaints
