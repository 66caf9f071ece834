"""The tamper-evident chain of responses: each link hashes the previous link and what the
figures are made of.

Version 1 (links written before chain version 2 existed; ``responses.chain_version`` NULL
or 1) covered a few key columns and the hash of the submitted body. Version 2 covers every
stored column of the response (in the groups below), every ``answers`` row of it
(question, value, local date, flagged copy) and its complaint's topic and text — never the
phone number, which is erasable and kept apart. A link keeps the version it was written
with: nothing is re-sealed, because re-sealing would launder earlier edits.

Version 3 (since units, m010) also covers the response's ``unit``, and its previous link
is the previous response *of the same unit*: each commune's chain verifies on its own, and
a province server's communes never wait on or vouch for each other. Links of versions 1 and
2 are never re-sealed; they were written when there was one commune, and all belong to the
first unit's chain (its first v3 link follows the last of them).

Version 4 (m011, ``import-unit``) is version 3 with the response's ``imported_from``: where
an imported response was in its commune's own chain (``"<seq>:<link hash>"``; NULL for a
rating made here), so a live rating cannot later be passed off as imported, or the reverse.
Chains per unit as in version 3.

Beside the link, ``responses.seal`` keeps a short digest per group, so that ``verify`` can
say what differs (an answer, the comment, the dates, …) and not only that something does.

What this protects against, and what it does not: any edit, insertion or deletion made
with SQL shows as a broken link at the first changed row; deleting the newest rows or
rewriting every link after an edit passes the chain itself, which is why every report
quotes its head (``seq:hash``) and is recorded in ``report_heads``, and why a head kept
outside the database (printed, e-mailed) is checked with ``verify --head``. Someone with
the database and this software can recompute everything: only a head kept elsewhere
catches that.
"""
from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
VERSION = 4
V1_FIELDS = ("id", "seq", "questionnaire", "questionnaire_version", "channel", "overall",
             "scale", "complete", "rated_at", "submitted_at", "local_date", "kiosk",
             "receipt", "procedure_code", "officer", "flags", "demo", "body_hash")
# Version 2: every stored column of ``responses`` except the chain's own (seq is the place
# in the chain and is covered too). A new column needs a new version (tests check this).
GROUPS: dict[str, tuple[str, ...]] = {
    "rating": ("id", "seq", "questionnaire", "questionnaire_version", "channel", "overall", "scale",
               "complete", "duration_ms", "body_hash"),
    "times": ("created_at", "submitted_at", "rated_at", "local_date", "local_month", "local_hour",
              "local_weekday"),
    "place": ("kiosk", "counter"),
    "dossier": ("receipt", "dossier_code", "procedure_code", "field", "officer"),
    "flags": ("flags", "demo"),
    "comment": ("comment",),
}
# Version 3: version 2's groups and the unit the response belongs to.
GROUPS_V3: dict[str, tuple[str, ...]] = {**GROUPS, "unit": ("unit",)}
# Version 4: version 3's groups and where an imported response came from.
GROUPS_V4: dict[str, tuple[str, ...]] = {**GROUPS_V3, "origin": ("imported_from",)}
CURRENT_GROUPS = GROUPS_V4  # what a new link covers
CHAIN_COLUMNS = ("prev_hash", "hash", "chain_version", "seal")
WHAT = {"rating": "the rating or its questionnaire", "times": "the times or local dates",
        "place": "the tablet or counter", "dossier": "the receipt, dossier, procedure or officer",
        "flags": "the flags", "comment": "the comment", "answers": "an answer (changed, added or removed)",
        "complaint": "the complaint's topic or text", "unit": "the unit",
        "origin": "whether and from where it was imported"}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# json.dumps with these arguments builds this encoder anew on every call; a link makes twelve
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical(value) -> str:
    return _CANONICAL.encode(value)


def link_v1(prev_hash: str, row: dict) -> str:
    parts = [prev_hash] + ["" if row.get(f) is None else str(row.get(f)) for f in V1_FIELDS]
    return _sha("\x1f".join(parts))


def digests(row: dict, answer_rows: list, complaint, version: int = 2, known: dict | None = None) -> dict[str, str]:
    """{group: SHA-256} of a response's columns, its answers rows and its complaint, under
    chain ``version`` (2, 3 or 4; 3 adds the unit, 4 the import origin).

    ``answer_rows``: (question_id, value, local_date, flagged) tuples in any order;
    ``complaint``: (topic, text) or None; ``known``: digests made already (``settled``)."""
    groups = GROUPS_V4 if version >= 4 else GROUPS_V3 if version == 3 else GROUPS
    known = known or {}
    out = {g: known.get(g) or _sha(_canonical([row.get(c) for c in cols])) for g, cols in groups.items()}
    out["answers"] = _sha(_canonical(sorted([list(map(_text, a)) for a in answer_rows])))
    out["complaint"] = known.get("complaint") or _sha(_canonical(None if complaint is None else list(complaint)))
    return out


# What only the write turn decides: the place in the chain (seq, in "rating"), the flags and
# the answers' flagged copies.
UNSETTLED = frozenset({"rating", "flags", "answers"})


def settled(row: dict, complaint) -> dict[str, str]:
    """The digests of a new response that nothing decided under the write lock changes (every
    group but ``UNSETTLED``), made before its turn so that the turn makes only the rest."""
    out = {g: _sha(_canonical([row.get(c) for c in cols]))
           for g, cols in CURRENT_GROUPS.items() if g not in UNSETTLED}
    out["complaint"] = _sha(_canonical(None if complaint is None else list(complaint)))
    return out


def _text(value) -> str:
    return "" if value is None else str(value)


def link_v2(prev_hash: str, parts: dict[str, str], version: int = 2) -> str:
    """A version 2, 3 or 4 link: the previous hash, the version's tag and the group digests."""
    return _sha("\x1f".join([prev_hash, f"v{version}", *(f"{k}={parts[k]}" for k in sorted(parts))]))


def seal(prev_hash: str, row: dict, answer_rows: list, complaint, known: dict | None = None) -> tuple[str, str]:
    """(link hash, seal JSON) of a new response under the current version; ``prev_hash``:
    the last link of the response's own unit (GENESIS for a unit's first response);
    ``known``: its ``settled`` digests, if made already."""
    parts = digests(row, answer_rows, complaint, VERSION, known)
    return link_v2(prev_hash, parts, VERSION), _canonical({k: v[:16] for k, v in parts.items()})


def check_link(prev_hash: str, row: dict, answer_rows: list, complaint) -> str | None:
    """None if ``row``'s link holds under its own version, else what differs."""
    version = row.get("chain_version") or 1
    if version == 1:
        return None if link_v1(prev_hash, row) == row["hash"] else "the response was altered (chain v1)"
    parts = digests(row, answer_rows, complaint, version)
    if link_v2(prev_hash, parts, version) == row["hash"]:
        return None
    try:
        kept = json.loads(row.get("seal") or "{}")
    except ValueError:
        kept = {}
    changed = [WHAT[k] for k, v in parts.items() if kept.get(k) != v[:16]]
    if not changed:
        return "the link was rewritten"
    return "changed: " + "; ".join(changed)
