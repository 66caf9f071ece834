"""The database schema, as sqlite-utils migrations applied on every start.

Each function is one change, applied once and recorded in ``_sqlite_migrations``;
re-running is a no-op. Never drop or rewrite user data here: a kiosk database is
the only copy of what citizens said. Add a new function for each change.

Tables and columns (read by ``analysis/``, by people with sqlite-utils or Datasette):

``responses`` one row per citizen submission
    id              the client-made UUID (primary key; retries never double count)
    seq             insertion order, 1, 2, 3 ... (the order of the hash chain)
    questionnaire, questionnaire_version   which questionnaire file answered
    channel         ``kiosk`` (counter tablet) or ``phone`` (QR form)
    overall         the main rating, 1 (worst) .. ``scale`` (best)
    scale           5 or 3: the scale of ``overall``
    comment         free text, as typed (shown escaped everywhere)
    complete        1 when the citizen finished, 0 when the screen timed out mid-way
    created_at      the client's own time as sent (ISO 8601 with offset), or NULL
    submitted_at    server receipt time, UTC ISO 8601
    rated_at        the moment the response belongs to, UTC: ``created_at`` when
                    plausible, else ``submitted_at`` (then flagged ``clock``)
    local_date      ``rated_at`` as a date in Asia/Ho_Chi_Minh (YYYY-MM-DD)
    local_month     YYYY-MM of ``local_date``; local_hour 0-23; local_weekday 0=Monday
    kiosk           enrolled tablet name (NULL for the phone form)
    counter         counter name the tablet stands at, if known
    receipt         receipt code the rating is bound to, if any
    dossier_code, procedure_code, field, officer   copied from the receipt
    duration_ms     time from first tap to submission, as measured by the client
    flags           space-separated integrity flags ('' when none); never used to delete
    demo            1 for synthetic rows made by ``demo-data``
    body_hash       SHA-256 of the canonical submitted body (duplicate vs conflict)
    prev_hash, hash the tamper-evident chain (``kiosk/store/chain.py``): each link hashes the
                    previous one and, under its ``chain_version``, what the figures are made of
    chain_version   NULL or 1: links written before m006, covering id, seq, questionnaire and
                    its version, channel, overall, scale, complete, rated_at, submitted_at,
                    local_date, kiosk, receipt, procedure_code, officer, flags, demo, body_hash.
                    2: every column above (in the groups of chain.GROUPS), every answers row
                    of the response (question, value, local date, flagged) and its complaint's
                    topic and text (never the phone number). Links keep their version; nothing
                    is ever re-sealed.
    seal            chain v2: a short digest per group (JSON), so verify can say what differs

``users`` staff accounts: username (sign-in name), full_name (họ tên, shown to people),
    password_hash, role (admin, leader, officer), created_at, active

``answers`` one row per answered question (a multi-choice answer gives one row per choice)
    response_id, question_id, value (text; ratings as '1'..'5', yes/no as 'yes'/'no')
    local_date, flagged   copies of the response's local date and (flags != '') so that
                          report queries run on one covering index without a join

``report_heads`` every issued report or download: when, who, what kind, its period and the
    chain head (seq, hash) it was computed from. Append-only (triggers refuse UPDATE and
    DELETE); ``verify`` checks every recorded head is still that link.
``credential_contacts`` (credential "kiosk:<name>" or "token:<name>", minute "YYYY-MM-DDTHH:MM")
    one row per minute in which a tablet or token reached the server: whether a rating that
    arrives long after its own time came from a device that was in contact meanwhile (``late``).
``rollup_*`` the summary's counts per local date (or month), unit, …: ``kiosk/store/rollups.py``.
``complaints.code`` the complaint's own short code, given to the citizen who filed it: only
    that code shows the reply (a receipt's page says only that a complaint exists).
``units`` one row per commune (đơn vị) served by this installation (m010): code (the
    administrative code, e.g. five digits, or a short slug; primary key), name, province,
    created_at, settings (JSON: the unit's own COMMUNE_NAME, UNIT_NAME, PLACE_NAME,
    OPENING_HOURS, HOLIDAYS, REPORT_RECIPIENTS over the installation's), hidden_procedures
    (JSON list of procedure codes the unit does not handle; the catalogue itself is shared).
``<table>.unit`` (responses, kiosks, api_tokens, users, receipts, complaints, counters,
    officers, report_heads, audit_log) the units.code a row belongs to. On users and
    api_tokens NULL means province-wide (every unit); on report_heads NULL means the whole
    installation. A first start after m010 puts every existing row into the first unit
    (``kiosk.store.adopt.adopt_first_unit``); report_heads stay NULL (append-only, and they
    were whole-installation heads). Tablet, counter and officer names are unique per unit.
"""
from sqlite_utils import Migrations

migrations = Migrations("kiosk")


@migrations()
def m001_core(db):
    """Responses, answers, users, tokens and enrolled tablets."""
    db["responses"].create(
        {
            "id": str, "seq": int, "questionnaire": str, "questionnaire_version": int,
            "channel": str, "overall": int, "scale": int, "comment": str, "complete": int,
            "created_at": str, "submitted_at": str, "rated_at": str, "local_date": str,
            "local_month": str, "local_hour": int, "local_weekday": int,
            "kiosk": str, "counter": str, "receipt": str, "dossier_code": str,
            "procedure_code": str, "field": str, "officer": str, "duration_ms": int,
            "flags": str, "demo": int, "body_hash": str, "prev_hash": str, "hash": str,
        },
        pk="id",
        not_null={"seq", "channel", "submitted_at", "rated_at", "local_date", "flags", "demo"},
        defaults={"flags": "", "demo": 0, "complete": 1},
    )
    db["responses"].create_index(["seq"], unique=True)
    db["responses"].create_index(["local_date"])
    db["responses"].create_index(["receipt"])
    db["responses"].create_index(["kiosk", "rated_at"])
    db["answers"].create(
        {"response_id": str, "question_id": str, "value": str, "local_date": str, "flagged": int},
        foreign_keys=[("response_id", "responses", "id")],
    )
    db["answers"].create_index(["response_id"])
    db["answers"].create_index(["question_id", "local_date", "value", "flagged"])
    db["users"].create(
        {"id": int, "username": str, "password_hash": str, "role": str,
         "created_at": str, "active": int},
        pk="id", not_null={"username", "password_hash", "role"}, defaults={"active": 1},
    )
    db["users"].create_index(["username"], unique=True)
    db["api_tokens"].create(
        {"id": int, "name": str, "role": str, "token_hash": str, "created_at": str,
         "last_used_at": str, "revoked": int},
        pk="id", not_null={"name", "role", "token_hash"}, defaults={"revoked": 0},
    )
    db["api_tokens"].create_index(["token_hash"], unique=True)
    db["kiosks"].create(
        {"id": int, "name": str, "token_hash": str, "counter": str, "enrolled_at": str,
         "enrolled_by": str, "last_seen_at": str, "revoked": int},
        pk="id", not_null={"name", "token_hash"}, defaults={"revoked": 0},
    )
    db["kiosks"].create_index(["token_hash"], unique=True)
    db["kiosks"].create_index(["name"], unique=True)
    db["conflicts"].create(
        {"id": int, "response_id": str, "received_at": str, "body": str, "source": str},
        pk="id",
    )
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "action": str, "detail": str}, pk="id",
    )


@migrations()
def m002_receipts_catalogue(db):
    """Procedures, officers, counters and one-time receipt codes."""
    db["procedures"].create(
        {"code": str, "name": str, "field": str, "valid_from": str, "valid_to": str},
        pk="code",
    )
    db["officers"].create(
        {"id": int, "name": str, "username": str, "active": int},
        pk="id", defaults={"active": 1},
    )
    db["officers"].create_index(["name"], unique=True)
    db["counters"].create({"id": int, "name": str, "active": int}, pk="id", defaults={"active": 1})
    db["counters"].create_index(["name"], unique=True)
    db["receipts"].create(
        {"code": str, "dossier_code": str, "procedure_code": str, "officer": str,
         "counter": str, "received_date": str, "appointment_date": str, "issued_at": str,
         "issued_by": str, "returned_at": str, "expires_at": str, "used_at": str,
         "response_id": str},
        pk="code",
    )
    db["receipts"].create_index(["returned_at"])
    db["receipts"].create_index(["dossier_code"])


@migrations()
def m003_complaints(db):
    """Complaints (phản ánh, kiến nghị), their history, and phone numbers kept apart."""
    db["complaints"].create(
        {"id": int, "response_id": str, "receipt": str, "topic": str, "text": str,
         "status": str, "assignee": str, "received_at": str, "received_date": str,
         "due_date": str, "reply": str, "answered_at": str, "answered_date": str,
         "not_accepted_reason": str, "closed_at": str, "flags": str, "demo": int},
        pk="id", defaults={"status": "new", "flags": "", "demo": 0},
    )
    db["complaints"].create_index(["response_id"], unique=True)
    db["complaints"].create_index(["status"])
    db["complaints"].create_index(["received_date"])
    db["complaint_contacts"].create(
        {"complaint_id": int, "phone": str, "consent_at": str, "erased_at": str},
        pk="complaint_id", foreign_keys=[("complaint_id", "complaints", "id")],
    )
    db["complaint_events"].create(
        {"id": int, "complaint_id": int, "at": str, "actor": str, "action": str, "detail": str},
        pk="id", foreign_keys=[("complaint_id", "complaints", "id")],
    )
    db["complaint_events"].create_index(["complaint_id"])


@migrations()
def m004_integrity_indexes(db):
    """Indexes for the integrity rules (per counter and day) and tablet health."""
    db["responses"].create_index(["counter", "local_date"], if_not_exists=True)
    db["receipts"].create_index(["counter", "returned_at"], if_not_exists=True)


@migrations()
def m005_report_indexes(db):
    """Covering indexes for analysis.summarize: SQLite groups while walking the index,
    with no sort and no table lookups (a year of a million ratings in well under a second)."""
    db["responses"].create_index(
        ["local_month", "field", "procedure_code", "officer", "counter", "channel", "flags", "demo",
         "complete", "overall", "scale", "local_date", "receipt"],
        index_name="responses_report_cube", if_not_exists=True)
    db["responses"].create_index(
        ["local_month", "local_weekday", "local_hour", "flags", "overall", "scale", "local_date"],
        index_name="responses_report_clock", if_not_exists=True)
    db["receipts"].create_index(["returned_at", "appointment_date", "response_id", "code"],
                                index_name="receipts_report_returned", if_not_exists=True)


@migrations()
def m006_chain_v2_and_anchors(db):
    """Chain version 2 (see the docstring above), reports' heads recorded outside the
    responses (append-only), the contacts of each credential (for the ``late`` flag) and a
    complaint's own short code (its reply is shown only to whoever holds that code)."""
    db["responses"].add_column("chain_version", int)
    db["responses"].add_column("seal", str)
    db["report_heads"].create(
        {"id": int, "at": str, "actor": str, "kind": str, "period_from": str, "period_to": str,
         "seq": int, "hash": str}, pk="id", not_null={"at", "seq", "hash"})
    for action in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER report_heads_no_{action.lower()} BEFORE {action} ON report_heads "
                   "BEGIN SELECT RAISE(ABORT, 'report_heads is append-only'); END")
    db["credential_contacts"].create({"credential": str, "minute": str}, pk=("credential", "minute"))
    db["complaints"].add_column("code", str)
    db["complaints"].create_index(["code"], unique=True, if_not_exists=True)


@migrations()
def m007_sessions_health_scrub(db):
    """``users.session_gen``: a counter in every staff session cookie; logout, a password
    change or reset, deactivation and a role change add one, which ends every session of
    that user at once. ``health_probe``: one row that ``/healthz`` rewrites to prove the
    database takes writes. Scrubs phone numbers from ``conflicts.body``, where conflicting
    resends of a complaint used to log them (only ``complaint_contacts`` holds a phone)."""
    if "session_gen" not in db["users"].columns_dict:
        db["users"].add_column("session_gen", int, not_null_default=0)
    db["health_probe"].create({"id": int, "at": str}, pk="id", if_not_exists=True)
    for row in list(db.query("SELECT id, body FROM conflicts WHERE body LIKE '%phone%'")):
        db.execute("UPDATE conflicts SET body = ? WHERE id = ?", [_scrub_phone(row["body"]), row["id"]])


def _scrub_phone(body: str | None) -> str | None:
    """A logged body without ``complaint.phone``; a body cut at the log limit (not JSON any
    more) loses everything from its ``"phone"`` key on."""
    import json
    import re
    try:
        parsed = json.loads(body)
    except (TypeError, ValueError):
        return re.sub(r'"phone".*', '"phone": "[erased]"', body or "", flags=re.S)
    if isinstance(parsed, dict) and isinstance(parsed.get("complaint"), dict):
        parsed["complaint"].pop("phone", None)
    return json.dumps(parsed, ensure_ascii=False)


@migrations()
def m008_backup_log(db):
    """``backups``: one row per backup attempt (scheduled by the server, or ``python -m
    kiosk backup``), so the overview and ``doctor`` can say when the last good one was made.

    at (UTC ISO), file (path written), size (bytes), ok (1 when the copy passed
    integrity_check and the hash chain), responses (rows in the copy), detail (why not ok),
    kind (``scheduled`` or ``manual``)."""
    db["backups"].create(
        {"id": int, "at": str, "file": str, "size": int, "ok": int, "responses": int,
         "detail": str, "kind": str},
        pk="id", not_null={"at", "ok"}, defaults={"ok": 0},
    )
    db["backups"].create_index(["ok", "at"])


@migrations()
def m009_user_full_name(db):
    """``users.full_name``: the person's name (họ tên), shown on receipts, in the complaints
    inbox and in reports instead of the sign-in name; NULL until an admin sets it."""
    db["users"].add_column("full_name", str)


UNIT_TABLES = ("responses", "kiosks", "api_tokens", "users", "receipts", "complaints", "counters",
               "officers", "report_heads", "audit_log")


@migrations()
def m010_units(db):
    """Many communes on one server: the ``units`` table, a ``unit`` column on everything that
    belongs to one, and names unique per unit (two communes may both have "Quầy 1"). The
    rows are put into the first unit on the first start (``adopt_first_unit``), which knows
    the settings that name it; nothing is re-sealed (chain v3, ``kiosk/store/chain.py``)."""
    db["units"].create({"code": str, "name": str, "province": str, "created_at": str,
                        "settings": str, "hidden_procedures": str},
                       pk="code", not_null={"name"}, if_not_exists=True)
    for table in UNIT_TABLES:
        if "unit" not in db[table].columns_dict:
            db[table].add_column("unit", str)
    db["responses"].create_index(["unit", "seq"], if_not_exists=True)
    db["receipts"].create_index(["unit", "issued_at"], if_not_exists=True)
    db["complaints"].create_index(["unit", "status"], if_not_exists=True)
    for table in ("kiosks", "officers", "counters"):
        db.execute(f"DROP INDEX IF EXISTS idx_{table}_name")
        db[table].create_index(["unit", "name"], unique=True, if_not_exists=True)


@migrations()
def m011_import_origin(db):
    """Rows a commune brought with it (``import-unit``, ``kiosk/store/imports.py``).
    ``responses.imported_from``: NULL for a rating made here, else ``"<seq>:<link hash>"`` of
    its link in the commune's own chain (sealed by chain v4; how a re-import is recognised).
    ``receipts``/``complaints.imported_from``: NULL, or the ``imports`` run id (as text).
    ``imports``: a row per run (source_seq/source_hash: its verified head; detail: JSON counts)."""
    for table in [t for t in ("responses", "receipts", "complaints") if "imported_from" not in db[t].columns_dict]:
        db[table].add_column("imported_from", str)
    db["imports"].create({"id": int, "at": str, "actor": str, "unit": str, "source": str, "source_seq": int,
                          "source_hash": str, "detail": str}, pk="id", not_null={"at", "unit"}, if_not_exists=True)


@migrations()
def m012_rollups(db):
    """Rollup tables (``kiosk/store/rollups.py``), filled from the rows. m005's two wide
    indexes served the summary's scans, which now read the rollups: dropped, every insert
    is cheaper (the answers index stays for indicators fed by several questions)."""
    from kiosk.store import rollups
    rollups.create(db)
    rollups.rebuild(db)
    db.execute("DROP INDEX IF EXISTS responses_report_cube")
    db.execute("DROP INDEX IF EXISTS responses_report_clock")


@migrations()
def m013_report_sends(db):
    """``report_sends``: one row per scheduled report (kind ``month``/``quarter``, period
    ``2026-11``/``2026-Q4``, unit NULL on a single-unit installation), claimed (status
    ``sending``) before it is sent, then ``sent`` or ``failed`` (detail, next_attempt_at);
    unique per kind, period and unit, so it is never sent twice."""
    db["report_sends"].create(
        {"id": int, "kind": str, "period": str, "period_from": str, "period_to": str, "unit": str,
         "status": str, "attempts": int, "claimed_at": str, "next_attempt_at": str, "sent_at": str,
         "recipients": str, "subject": str, "detail": str},
        pk="id", not_null={"kind", "period", "status"}, defaults={"attempts": 0})
    db.execute("CREATE UNIQUE INDEX report_sends_once ON report_sends (kind, period, COALESCE(unit, ''))")


@migrations()
def m014_alerts(db):
    """``users.email`` (where a leader's or admin's alerts go). ``alerts``: one row per event
    (kind, event: what makes it one, unique with kind and unit; subject: a counter, tablet or
    complaint number; facts: JSON figures, never a citizen's words), its e-mail (mail_status
    ``pending``/``sending``/``sent``/``failed``/``off``) and who acknowledged it when."""
    if "email" not in db["users"].columns_dict:
        db["users"].add_column("email", str)
    db["alerts"].create(
        {"id": int, "kind": str, "event": str, "unit": str, "at": str, "subject": str, "facts": str,
         "mail_status": str, "mail_attempts": int, "mail_detail": str, "next_attempt_at": str,
         "sent_at": str, "recipients": str, "acknowledged_at": str, "acknowledged_by": str},
        pk="id", not_null={"kind", "event", "at", "mail_status"},
        defaults={"mail_status": "pending", "mail_attempts": 0})
    db.execute("CREATE UNIQUE INDEX alerts_once ON alerts (kind, event, COALESCE(unit, ''))")
    db["alerts"].create_index(["acknowledged_at", "at"])


@migrations()
def m015_imported_index(db):
    """A partial index of the imported responses by local date: every report says how many
    of its period's ratings came through ``import-unit``, and without it that count scanned
    every row of the period (0.5 s of a 1M-row summary). It holds only imported rows."""
    db.execute("CREATE INDEX IF NOT EXISTS responses_imported ON responses (local_date, unit) "
               "WHERE imported_from IS NOT NULL")


@migrations()
def m016_monthly_rollups(db):
    """``rollup_answer_months`` and ``rollup_clock_months``: the answer counts and the main
    rating by hour per local month (``kiosk/store/rollups.py``), so a year's league of a
    hundred communes, or the province's summary, reads twelve months, not every day. m012
    makes every rollup of the current code; a database that ran an older m012 lacks the ones
    added since (these, and ``rollup_months`` and ``rollup_receipts`` on the earliest): they
    are made and filled from the rows here, the others left as they are."""
    from kiosk.store import rollups
    missing = [t for t in rollups.TABLES if not db[t].exists()]
    receipts = not db[rollups.RECEIPTS[0]].exists()
    rollups.create(db)
    rollups.fill(db, missing)
    if receipts:
        rollups.rebuild_receipts(db)


@migrations()
def m017_cube_index(db):
    """``idx_rollup_months_cube``: the monthly cube in the order a summary of every unit
    groups it (``analysis.fromrollups.response_counts``), so a province's year needs no sort."""
    from kiosk.store import rollups
    rollups.create(db)


def apply(db):
    """Bring ``db`` up to the current schema (idempotent)."""
    migrations.apply(db)
