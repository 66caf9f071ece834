"""Figures nobody can bend without a trace: every edit of what a figure is made of breaks the
chain at its response, a head quoted elsewhere catches deleted or rewritten rows, the channel
follows the credential, back-dating from a live device is flagged, guessing codes is throttled."""
import sqlite3
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from kiosk import clock, store
from kiosk.domain.credentials import hash_token
from kiosk.store import chain, rollups
from tests.helpers import ROOT


def body(**over):
    b = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 2, "answers": {"reasons": ["waiting"]},
         "comment": "Chờ lâu", "created_at": clock.iso(clock.utcnow())}
    b.update(over)
    return b


@pytest.fixture
def filled(tablet, db):
    """Five counter ratings, one with a complaint, through the API as a tablet sends them."""
    for overall in (2, 3, 1, 2):
        assert tablet.post("/api/v1/responses", json=body(overall=overall)).status_code == 201
    complaint = {"topic": "place", "text": "Không có ghế ngồi chờ"}
    assert tablet.post("/api/v1/responses", json=body(complaint=complaint)).status_code == 201
    assert store.verify_chain(db)["broken_at"] is None
    return db


TAMPERING = [
    ("an answer value", "UPDATE answers SET value = 'fees' WHERE question_id = 'reasons' AND rowid = "
                        "(SELECT min(rowid) FROM answers WHERE question_id = 'reasons')", "an answer"),
    ("a deleted answer", "DELETE FROM answers WHERE rowid = "
                         "(SELECT min(rowid) FROM answers WHERE question_id = 'reasons')", "an answer"),
    ("an added answer", "INSERT INTO answers (response_id, question_id, value, local_date, flagged) "
                        "SELECT id, 'on_time', 'yes', local_date, 0 FROM responses WHERE seq = 1",
     "an answer"),
    ("the comment", "UPDATE responses SET comment = NULL WHERE seq = 1", "comment"),
    ("the local date",
     "UPDATE responses SET local_date = '2020-01-01', local_month = '2020-01' WHERE seq = 1", "local dates"),
    ("the counter", "UPDATE responses SET counter = 'Quầy 9' WHERE seq = 1", "counter"),
    ("the officer", "UPDATE responses SET officer = 'Ai đó' WHERE seq = 1", "officer"),
    ("the field", "UPDATE responses SET field = 'Hộ tịch' WHERE seq = 1", "officer"),
    ("the dossier", "UPDATE responses SET dossier_code = 'HS-1' WHERE seq = 1", "dossier"),
    ("the flags", "UPDATE responses SET flags = 'hours' WHERE seq = 1", "flags"),
    ("the flagged copy", "UPDATE answers SET flagged = 1 WHERE response_id = "
                         "(SELECT id FROM responses WHERE seq = 1)", "an answer"),
    ("created_at", "UPDATE responses SET created_at = '2026-01-01T00:00:00Z' WHERE seq = 1", "times"),
    ("duration", "UPDATE responses SET duration_ms = 99999 WHERE seq = 1", "rating"),
    ("the complaint's text", "UPDATE complaints SET text = 'Tốt' ", "complaint"),
    ("the overall rating", "UPDATE responses SET overall = 5 WHERE seq = 1", "rating"),
]


@pytest.mark.parametrize("what, sql, says", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_editing_what_a_figure_is_made_of_breaks_the_chain_at_that_response(filled, what, sql, says):
    filled.execute(sql)
    result = store.verify_chain(filled)
    assert result["broken_at"] is not None, what
    assert says in result["reason"], result


def test_verify_names_the_seq_and_exits_non_zero(app, filled):
    filled.execute("UPDATE responses SET overall = 5 WHERE seq = 3")
    r = subprocess.run([sys.executable, "-m", "kiosk", "verify"], cwd=ROOT, capture_output=True, text=True,
                       env={"KIOSK_INSTANCE": app.instance_path, "PATH": "/usr/bin:/bin"}, timeout=60)
    assert r.returncode == 1 and "#3" in r.stdout, r.stdout + r.stderr


def test_a_quoted_head_catches_deleted_newest_rows(filled):
    head = store.chain_head(filled)
    _delete_complaints(filled)
    filled.execute("DELETE FROM answers WHERE response_id = (SELECT id FROM responses WHERE seq = 5)")
    filled.execute("DELETE FROM responses WHERE seq = 5")
    assert store.verify_chain(filled)["broken_at"] is None  # the chain alone cannot tell
    result = store.verify_chain(filled, heads=[(head["seq"], head["hash"])])
    assert result["broken_at"] == 5 and "gone" in result["reason"]


def _delete_complaints(db):
    for table in ("complaint_events", "complaint_contacts", "complaints"):
        db.execute(f"DELETE FROM {table}")


def test_a_quoted_head_catches_a_rewritten_chain(filled):
    head = store.chain_head(filled)
    filled.execute("UPDATE responses SET overall = 5 WHERE seq = 2")
    _reseal_everything(filled)
    assert store.verify_chain(filled)["broken_at"] is None  # a forger with the software
    result = store.verify_chain(filled, heads=[(head["seq"], head["hash"])])
    assert result["broken_at"] == 5 and "rewritten" in result["reason"]


def _reseal_everything(db):
    prev = chain.GENESIS
    rows = list(db.query("SELECT * FROM responses ORDER BY seq"))
    for row in rows:
        answers = [tuple(a) for a in db.execute(
            "SELECT question_id, value, local_date, flagged FROM answers WHERE response_id = ?", [row["id"]])]
        c = db.execute("SELECT topic, text FROM complaints WHERE response_id = ?", [row["id"]]).fetchone()
        link, seal = chain.seal(prev, row, answers, tuple(c) if c else None)
        db.execute("UPDATE responses SET prev_hash = ?, hash = ?, seal = ? WHERE seq = ?",
                   [prev, link, seal, row["seq"]])
        prev = link


def test_verify_head_on_the_command_line(app, filled):
    head = store.chain_head(filled)
    env = {"KIOSK_INSTANCE": app.instance_path, "PATH": "/usr/bin:/bin"}

    def verify(*args):
        return subprocess.run([sys.executable, "-m", "kiosk", "verify", *args], cwd=ROOT, capture_output=True,
                              text=True, env=env, timeout=60)

    assert verify("--head", f"{head['seq']}:{head['hash']}").returncode == 0
    assert verify("--head", f"{head['seq']}:{'0' * 64}").returncode == 1
    assert verify("--head", "abc").returncode == 2


def test_every_download_records_its_head_and_plain_verify_checks_them(app, filled, client):
    token = "leader-token"
    store.create_token(filled, "lanh-dao", "leader", hash_token(token))
    r = client.get("/api/v1/report.pdf", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    (recorded,) = store.report_heads(filled)
    assert f"{recorded['seq']}:{recorded['hash']}" == r.headers["X-Data-Chain"]
    assert recorded["kind"] == "report.pdf"
    with pytest.raises(sqlite3.DatabaseError):
        filled.execute("UPDATE report_heads SET seq = 1")
    _delete_complaints(filled)
    filled.execute("DELETE FROM answers WHERE response_id = (SELECT id FROM responses WHERE seq = 5)")
    filled.execute("DELETE FROM responses WHERE seq = 5")
    assert store.verify_chain(filled, heads=store.recorded_heads(filled))["broken_at"] == 5


def test_links_written_before_version_2_still_verify(db):
    """An old database: links under rule 1 stay valid after the migration; new links are v2."""
    prev = chain.GENESIS
    for seq in (1, 2):
        row = {"id": f"old-{seq}", "seq": seq, "questionnaire": "counter", "questionnaire_version": 1,
               "channel": "kiosk", "overall": 4, "scale": 5, "complete": 1,
               "rated_at": "2026-01-05T03:00:00.000Z", "submitted_at": "2026-01-05T03:00:01.000Z",
               "local_date": "2026-01-05", "flags": "", "demo": 0, "body_hash": "b", "prev_hash": prev}
        row["hash"] = prev = chain.link_v1(prev, row)
        db["responses"].insert(row)
    assert store.verify_chain(db)["broken_at"] is None
    db.execute("UPDATE responses SET overall = 5 WHERE seq = 1")
    assert store.verify_chain(db)["broken_at"] == 1


def test_digests_made_before_the_write_turn_give_the_same_link(db):
    """The groups nothing in the write turn changes are hashed before it (``chain.settled``);
    the link is the one made from scratch, with the seq and flags decided in the turn."""
    before = {"id": "r1", "questionnaire": "counter", "questionnaire_version": 1, "channel": "kiosk",
              "overall": 2, "scale": 5, "complete": 1, "rated_at": "2026-01-05T03:00:00.000Z",
              "submitted_at": "2026-01-05T03:00:01.000Z", "local_date": "2026-01-05", "kiosk": "Quầy 1",
              "unit": "00001", "comment": "lâu", "flags": "", "demo": 0, "body_hash": "b"}
    known = chain.settled(before, ("waiting", "Chờ lâu"))
    assert not set(known) & chain.UNSETTLED
    final = dict(before, seq=41, flags="cooldown")
    answers = [("overall", "2", "2026-01-05", 1), ("reasons", "waiting", "2026-01-05", 1)]
    made = chain.seal("ab" * 32, final, answers, ("waiting", "Chờ lâu"), known)
    assert made == chain.seal("ab" * 32, final, answers, ("waiting", "Chờ lâu"))
    assert chain.check_link("ab" * 32, dict(final, hash=made[0], seal=made[1], chain_version=chain.VERSION), answers,
                            ("waiting", "Chờ lâu")) is None


def test_every_stored_column_is_covered_by_the_current_chain_version(db):
    covered = {c for cols in chain.CURRENT_GROUPS.values() for c in cols} | set(chain.CHAIN_COLUMNS)
    assert {c.name for c in db["responses"].columns} == covered


# --- the channel follows the credential ------------------------------------------------

def test_a_tablet_claiming_the_phone_channel_is_refused(tablet, db):
    r = tablet.post("/api/v1/responses", json=body(channel="phone"))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "wrong_channel"
    assert store.count_responses(db) == 0


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_officer_and_leader_tokens_cannot_post_ratings(client, db, role):
    store.create_token(db, f"t-{role}", role, hash_token(f"tok-{role}"))
    r = client.post("/api/v1/responses", json=body(), headers={"Authorization": f"Bearer tok-{role}"})
    assert r.status_code == 403 and store.count_responses(db) == 0


def test_a_kiosk_token_sends_counter_ratings_only(client, db):
    store.create_token(db, "mot-cua", "kiosk", hash_token("tok-kiosk"))
    auth = {"Authorization": "Bearer tok-kiosk"}
    assert client.post("/api/v1/responses", json=body(channel="phone"), headers=auth).status_code == 400
    assert client.post("/api/v1/responses", json=body(), headers=auth).status_code == 201


# --- late ratings --------------------------------------------------------------------------

def test_an_offline_tablet_flushing_its_queue_a_day_later_is_not_flagged(tablet, db):
    yesterday = clock.utcnow() - timedelta(days=1)
    for i in range(8):  # eight citizens yesterday, minutes apart, queued while the network was down
        at = clock.iso(yesterday + timedelta(minutes=7 * i))
        r = tablet.post("/api/v1/responses", json=body(overall=5, answers={}, comment=None, created_at=at))
        assert r.status_code == 201
    flags = {f for row in store.list_responses(db) for f in row["flags"].split()}
    assert not flags & {"late", "burst", "cooldown"}, flags


def test_back_dating_from_a_tablet_that_was_online_is_flagged_late(tablet, db):
    kiosk = db.execute("SELECT name FROM kiosks").fetchone()[0]
    store.note_contact(db, f"kiosk:{kiosk}", clock.utcnow() - timedelta(days=3))
    store.note_contact(db, f"kiosk:{kiosk}", clock.utcnow() - timedelta(days=1))
    back = clock.iso(clock.utcnow() - timedelta(days=5))
    r = tablet.post("/api/v1/responses", json=body(overall=5, answers={}, created_at=back))
    assert r.status_code == 201
    (row,) = store.list_responses(db)
    assert "late" in row["flags"].split()


# --- guessing receipt codes through the API ----------------------------------------------

def test_unknown_receipt_codes_through_the_api_are_throttled(app, tablet, db):
    app.config["RECEIPT_GUESS_LIMIT"] = 3
    app.extensions.pop("receipt_guess_throttle", None)
    codes = [tablet.post("/api/v1/responses", json=body(receipt=f"ZZZZZZZZ{c}")).status_code for c in "2345"]
    assert codes == [400, 400, 400, 429]
    assert store.count_responses(db) == 0


# --- the headline leaves flagged ratings out, everywhere -----------------------------------

@pytest.fixture
def burst_lifted(tablet, db):
    """Two honest ratings (one happy, one not) and four taps in a burst, all flagged."""
    db.execute("UPDATE kiosks SET enrolled_at = '2026-01-01T00:00:00.000Z'")
    now = clock.utcnow()
    for minutes, overall in ((30, 5), (20, 1)):
        b = body(overall=overall, answers={}, created_at=clock.iso(now - timedelta(minutes=minutes)))
        assert tablet.post("/api/v1/responses", json=b).status_code == 201
    db.execute("UPDATE responses SET flags = ''")  # whatever the test clock, these two are honest
    for i in range(4):
        b = body(overall=5, answers={}, comment=None, created_at=clock.iso(now - timedelta(seconds=40 - i)))
        tablet.post("/api/v1/responses", json=b)
    db.execute("UPDATE responses SET flags = 'burst' WHERE flags = '' AND seq > 2")
    db.execute("UPDATE answers SET flagged = 1 WHERE response_id IN (SELECT id FROM responses WHERE seq > 2)")
    rollups.rebuild(db)  # edits by hand: the rollups recomputed, as `python -m kiosk rebuild-rollups` does
    store.create_token(db, "lanh-dao", "leader", hash_token("leader-token"))
    return db


def _leader(client, path, **args):
    return client.get(path, query_string=args, headers={"Authorization": "Bearer leader-token"})


def test_the_api_headline_leaves_flagged_ratings_out_with_the_raw_beside(client, burst_lifted):
    s = _leader(client, "/api/v1/summary").get_json()
    head = s["indicators"][0]
    assert (head["n"], head["satisfied"]) == (2, 1)
    raw = s["all"]["indicators"][0]
    assert (raw["n"], raw["satisfied"]) == (6, 5)
    assert s["flagged"]["by_flag"] == {"burst": 4} and s["flagged"]["excluded"] is True
    raw_view = _leader(client, "/api/v1/summary", exclude_flagged="0").get_json()
    assert raw_view["indicators"][0]["n"] == 6


def test_the_dashboard_headline_leaves_flagged_ratings_out(client, burst_lifted):
    from kiosk.domain.credentials import hash_password
    store.create_user(burst_lifted, "lanh-dao", hash_password("mat-khau-1234"), "leader")
    r = client.post("/login", data={"username": "lanh-dao", "password": "mat-khau-1234"})
    assert r.status_code == 302
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "50,0%" in page and "83,3%" in page  # 1 of 2, and raw 5 of 6 beside it
    raw = client.get("/admin/dashboard/", query_string={"include_flagged": "1"}).get_data(as_text=True)
    assert raw.index("83,3%") < raw.index("50,0%")


def test_the_pdf_and_excel_headline_leave_flagged_ratings_out(client, burst_lifted):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader
    pdf = PdfReader(io.BytesIO(_leader(client, "/api/v1/report.pdf").data))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "50,0%" in " ".join(text.split()) and "tính cả phiếu nghi vấn" in text
    ws = load_workbook(io.BytesIO(_leader(client, "/api/v1/report.xlsx").data))["Tổng hợp"]
    assert (ws["C6"].value, ws["E6"].value) == (2, 0.5)
    assert ws["M6"].value == 6


def test_the_admin_overview_lists_the_issued_reports_heads(client, filled, login):
    store.create_token(filled, "lanh-dao", "leader", hash_token("leader-token"))
    client.get("/api/v1/report.xlsx", headers={"Authorization": "Bearer leader-token"})
    head = store.chain_head(filled)
    login(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="report-heads"' in page and "report.xlsx" in page
    assert f"{head['seq']}:{head['hash'][:16]}" in page
