"""An imported complaint's history (``import-unit``): its events come with it, and a newer
backup of the commune brings the handling done there since, as long as nobody here has
handled the complaint in between.

The complaint's topic and text are sealed with its response in the chain and never
change; what a commune does with a complaint (assign, answer, refuse with a reason,
close) is its status and its events. Each import ends a complaint's events with one by
``import`` ("imported, phone number not copied", or "updated from import #n"); when that
is still its last event, this server has not touched it, so the commune's newer events
and status are taken over. When someone here has acted on it since, this server's record
stands and the import says how many complaints it left so (``complaints_kept``).
"""
from __future__ import annotations

from kiosk.clock import iso, utcnow

HANDLING = ("status", "assignee", "reply", "answered_at", "answered_date", "not_accepted_reason", "closed_at")
ACTOR = "import"


def _events(db, complaint_id: int) -> list[dict]:
    return list(db.query("SELECT at, actor, action, detail FROM complaint_events WHERE complaint_id = ? "
                         "ORDER BY id", [complaint_id]))


def _mark(target, complaint_id: int, detail: str) -> None:
    target["complaint_events"].insert({"complaint_id": complaint_id, "at": iso(utcnow()), "actor": ACTOR,
                                       "action": "imported", "detail": detail})


def history(target, source, source_ids: dict, run: int) -> None:
    """Each newly imported complaint's events, and one saying it was imported without its
    phone. ``source_ids``: {response id: the complaint's id in the source}."""
    for response_id, source_id in source_ids.items():
        new_id = target.execute("SELECT id FROM complaints WHERE response_id = ?", [response_id]).fetchone()[0]
        for event in _events(source, source_id):
            target["complaint_events"].insert({**event, "complaint_id": new_id})
        _mark(target, new_id, f"import #{run}; phone number not copied (kept only in the commune's own database)")


def catch_up(target, source, response_ids: list[str], run: int, counts: dict) -> None:
    """Bring the complaints of already imported responses up to the source's handling."""
    for start in range(0, len(response_ids), 900):
        part = response_ids[start:start + 900]
        marks = ", ".join("?" * len(part))
        for theirs in source.query(f"SELECT id, response_id, {', '.join(HANDLING)} FROM complaints "
                                   f"WHERE response_id IN ({marks})", part):
            rows = list(target.query(f"SELECT id, imported_from, {', '.join(HANDLING)} FROM complaints "
                                     "WHERE response_id = ?", [theirs["response_id"]]))
            if not rows or rows[0]["imported_from"] is None:
                continue
            ours = rows[0]
            events = _events(target, ours["id"])
            copied = sum(1 for e in events if e["actor"] != ACTOR)
            newer = _events(source, theirs["id"])[copied:]
            changed = {c: theirs[c] for c in HANDLING if theirs[c] != ours[c]}
            if not newer and not changed:
                continue
            if not events or events[-1]["actor"] != ACTOR:  # handled here since: this server's record stands
                counts["complaints_kept"] += 1
                continue
            if changed:
                target["complaints"].update(ours["id"], changed)
            for event in newer:
                target["complaint_events"].insert({**event, "complaint_id": ours["id"]})
            _mark(target, ours["id"], f"import #{run}: updated from the commune's newer backup")
            counts["complaints_updated"] += 1
