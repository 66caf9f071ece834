"""A commune that started on its own PC joins the province server with its history."""
from __future__ import annotations

import sqlite3
import uuid

import pytest

from kiosk import create_app, store
from kiosk.store import imports
from kiosk.store.backup import backup
from kiosk.store.db import connect
from kiosk.web.auth import DEVICE_COOKIE, hash_token
from tests.helpers import ALWAYS_OPEN
from tests.receipt_helpers import issue, make_token, return_result

UNIT = "27001"


@pytest.fixture
def standalone(tmp_path):
    """A commune's own kiosk (its own instance, its own first unit), with a tablet at
    "Quầy 1" and an officer token; ``rate(**over)`` sends one rating from the tablet."""
    app = create_app({"INSTANCE": tmp_path / "commune", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "test", "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0})
    db = connect(app.config["DATABASE"])
    token = "tablet-" + uuid.uuid4().hex
    store.enrol_kiosk(db, "Máy quầy 1", hash_token(token), "admin", counter="Quầy 1",
                      unit=store.first_unit(db))
    store.save_counter(db, "Quầy 1", unit=store.first_unit(db))
    tablet = app.test_client()
    tablet.set_cookie(DEVICE_COOKIE, token)
    tablet.environ_base["HTTP_X_KIOSK_REQUEST"] = "1"
    officer = make_token(db, "officer")

    class Commune:
        path = app.config["DATABASE"]

        def rate(self, **over):
            body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 5, "answers": {}, **over}
            r = tablet.post("/api/v1/responses", json=body)
            assert r.status_code == 201, r.get_data(as_text=True)
            return body["id"]

        def receipt(self):
            code = issue(app.test_client(), officer)["code"]
            return_result(app.test_client(), officer, code)
            return code

        def backup(self, name):
            target = tmp_path / name
            backup(self.path, target)
            return target

    yield Commune()
    db.conn.close()


@pytest.fixture
def province(db):
    store.create_unit(db, UNIT, "Xã Nhập Về", province="Tỉnh Mẫu")
    return db


def _count(db, sql, args=()):
    return db.execute(sql, list(args)).fetchone()[0]


def test_commune_history_joins_its_unit_with_every_id_kept(standalone, province, tmp_path):
    code = standalone.receipt()
    rated = [standalone.rate(overall=4, answers={"resubmitted": "no"}), standalone.rate(overall=1, receipt=code),
             standalone.rate(overall=2, comment="Chờ lâu quá",
                             complaint={"topic": "place", "text": "Phải chờ hai tiếng", "phone": "0912345678",
                                        "consent": True})]
    result = imports.import_file(province, standalone.backup("commune-1.db"), UNIT)
    assert result["responses"] == 3 and result["complaints"] == 1 and result["phones_left"] == 1
    for rid in rated:
        row = store.get_response(province, rid)
        assert row["unit"] == UNIT and row["imported_from"]  # "<source seq>:<source link>"
    assert store.get_response(province, rated[0])["answers"]["resubmitted"] == ["no"]
    assert store.get_response(province, rated[2])["comment"] == "Chờ lâu quá"
    assert store.get_response(province, rated[1])["receipt"] == code
    complaint = list(province.query("SELECT * FROM complaints WHERE response_id = ?", [rated[2]]))[0]
    assert complaint["text"] == "Phải chờ hai tiếng" and complaint["unit"] == UNIT
    assert store.complaint_contact(province, complaint["id"]) is None  # the phone stays behind
    assert "phone number not copied" in store.complaint_events(province, complaint["id"])[-1]["detail"]
    receipt = store.get_receipt(province, code)
    assert receipt["unit"] == UNIT and receipt["returned_at"] and receipt["response_id"] == rated[1]
    tablet = list(province.query("SELECT * FROM kiosks WHERE name = 'Máy quầy 1'"))[0]
    assert tablet["unit"] == UNIT and tablet["revoked"] == 1 and not tablet["token_hash"].isalnum()
    assert _count(province, "SELECT count(*) FROM counters WHERE unit = ? AND name = 'Quầy 1'", [UNIT]) == 1
    assert store.verify_chain(province)["broken_at"] is None
    assert store.verify_chain(province, unit=UNIT)["checked"] == 3


def test_importing_twice_adds_nothing(standalone, province):
    standalone.rate()
    standalone.receipt()
    source = standalone.backup("commune.db")
    imports.import_file(province, source, UNIT)
    before = {t: _count(province, f"SELECT count(*) FROM {t}") for t in
              ("responses", "answers", "receipts", "complaints", "kiosks", "counters")}
    again = imports.import_file(province, source, UNIT)
    assert again["responses"] == 0 and again["already"] == 1 and again["conflicts"] == 0
    assert {t: _count(province, f"SELECT count(*) FROM {t}") for t in before} == before
    assert store.verify_chain(province)["broken_at"] is None


def test_a_newer_backup_adds_only_what_is_new(standalone, province):
    first = [standalone.rate(), standalone.rate(overall=3)]
    code = standalone.receipt()
    imports.import_file(province, standalone.backup("monday.db"), UNIT)
    assert store.get_receipt(province, code)["used_at"] is None
    later = [standalone.rate(overall=2, receipt=code), standalone.rate(overall=5)]
    result = imports.import_file(province, standalone.backup("friday.db"), UNIT)
    assert (result["responses"], result["already"], result["receipts"], result["receipts_updated"]) == (2, 2, 0, 1)
    assert store.get_receipt(province, code)["response_id"] == later[0]  # the receipt gained its rating
    seqs = [store.get_response(province, rid)["seq"] for rid in first + later]
    assert seqs == sorted(seqs)  # the commune's order is kept in the unit's chain
    assert store.verify_chain(province, unit=UNIT) == {"checked": 4, "broken_at": None, "reason": None}


def test_a_broken_source_is_refused_and_nothing_is_imported(standalone, province, tmp_path):
    standalone.rate()
    standalone.rate()
    source = standalone.backup("tampered.db")
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE responses SET overall = 1 WHERE seq = 1")
    with pytest.raises(imports.SourceRefused, match="hash chain broken at response #1"):
        imports.import_file(province, source, UNIT)
    assert _count(province, "SELECT count(*) FROM responses") == 0
    assert _count(province, "SELECT count(*) FROM imports") == 0


def test_not_a_kiosk_database_is_refused(province, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(imports.SourceRefused, match="not a Hài lòng database"):
        imports.import_file(province, other, UNIT)
    assert not other.with_suffix(".db-wal").exists()


def test_an_id_already_here_with_another_origin_is_a_conflict_and_kept(standalone, province, rating_body, tablet):
    rid = standalone.rate(overall=1)
    r = tablet.post("/api/v1/responses", json=rating_body(id=rid, overall=5))  # the same id, live here
    assert r.status_code == 201
    result = imports.import_file(province, standalone.backup("clash.db"), UNIT)
    assert result["conflicts"] == 1 and result["responses"] == 0
    kept = store.get_response(province, rid)
    assert kept["overall"] == 5 and kept["imported_from"] is None
    assert _count(province, "SELECT count(*) FROM conflicts WHERE response_id = ?", [rid]) == 1


def test_import_unit_command_twice_then_refuses_a_broken_backup(standalone, tmp_path):
    from tests.test_cli import run
    target = create_app({"INSTANCE": tmp_path / "inst", "TESTING": True, "SECRET_KEY": "test"})
    db = connect(target.config["DATABASE"])
    store.create_unit(db, UNIT, "Xã Nhập Về")
    db.conn.close()
    standalone.rate()
    standalone.rate(complaint={"topic": "officer", "text": "Cán bộ chưa hướng dẫn", "phone": "0912345678",
                               "consent": True})
    source = standalone.backup("xa-nhap-ve.db")
    first = run(tmp_path, "import-unit", UNIT, "--db", str(source))
    assert first.returncode == 0, first.stderr
    assert "2 new responses (0 already imported), 1 complaints" in first.stdout
    assert "1 phone numbers were not copied" in first.stdout and "hash chain verified" in first.stdout
    again = run(tmp_path, "import-unit", UNIT, "--db", str(source))
    assert again.returncode == 0 and "0 new responses (2 already imported)" in again.stdout
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE answers SET value = '1' WHERE rowid = 1")
    broken = run(tmp_path, "import-unit", UNIT, "--db", str(source))
    assert broken.returncode == 1 and "Nothing was changed" in broken.stderr
    unknown = run(tmp_path, "import-unit", "99999", "--db", str(source))
    assert unknown.returncode == 2 and "create-unit 99999" in unknown.stderr
    itself = run(tmp_path, "import-unit", UNIT, "--db", str(tmp_path / "inst" / "kiosk.db"))
    assert itself.returncode == 2 and "this server's own database" in itself.stderr


def test_reports_tell_imported_ratings_from_live_ones(standalone, province, app, tablet, rating_body, login):
    from analysis import summarize
    from analysis.fmt import filtered_line
    from analysis.reports.csv import responses_csv
    from kiosk.clock import local_today
    rid = standalone.rate(overall=4)
    imports.import_file(province, standalone.backup("commune.db"), UNIT)
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201  # a live one, unit 00001
    today = local_today().isoformat()
    whole = summarize(province, today, today)
    assert (whole["responses"]["all"], whole["responses"]["imported"]) == (2, 1)
    assert summarize(province, today, today, unit=UNIT)["responses"]["imported"] == 1
    assert "trong đó 1 phiếu nhập từ dữ liệu riêng của xã" in filtered_line(whole)
    lines = responses_csv(province, today, today).decode("utf-8-sig").split("\r\n")
    head = lines[0].split(";")
    column = head.index("Nhập từ dữ liệu riêng của xã")
    cells = {line.split(";")[0]: line.split(";")[column] for line in lines[1:] if line}
    assert cells[rid] == "Có (phiếu số 1 của xã)" and sorted(cells.values()) == ["", "Có (phiếu số 1 của xã)"]
    page = login(app.test_client(), "leader").get("/admin/dashboard/").get_data(as_text=True)
    assert "Trong đó 1 phiếu nhập từ dữ liệu riêng của xã" in page


def test_a_live_rating_cannot_be_relabelled_as_imported_nor_the_reverse(standalone, province, tablet, rating_body):
    rid = standalone.rate()
    imports.import_file(province, standalone.backup("commune.db"), UNIT)
    live = rating_body()
    assert tablet.post("/api/v1/responses", json=live).status_code == 201
    province.execute("UPDATE responses SET imported_from = '7:' || hash WHERE id = ?", [live["id"]])
    broken = store.verify_chain(province)
    assert broken["broken_at"] is not None and "imported" in broken["reason"]
    province.execute("UPDATE responses SET imported_from = NULL WHERE id = ?", [live["id"]])
    province.execute("UPDATE responses SET imported_from = NULL WHERE id = ?", [rid])
    assert "imported" in store.verify_chain(province, unit=UNIT)["reason"]


def _complaint_of(db, response_id):
    return list(db.query("SELECT * FROM complaints WHERE response_id = ?", [response_id]))[0]


def test_a_newer_backup_brings_the_answer_the_commune_gave_to_a_complaint(standalone, province):
    rid = standalone.rate(overall=1, complaint={"topic": "place", "text": "Thiếu ghế chờ"})
    imports.import_file(province, standalone.backup("monday.db"), UNIT)
    commune = connect(standalone.path)
    theirs = _complaint_of(commune, rid)
    store.update_complaint(commune, theirs["id"], "lan", {"status": "answered", "reply": "Đã thêm ghế"}, "answered")
    commune.conn.close()
    result = imports.import_file(province, standalone.backup("friday.db"), UNIT)
    assert result["complaints_updated"] == 1 and result["complaints"] == 0
    ours = _complaint_of(province, rid)
    assert (ours["status"], ours["reply"]) == ("answered", "Đã thêm ghế")
    assert [e["action"] for e in store.complaint_events(province, ours["id"])] == [
        "received", "imported", "answered", "imported"]
    again = imports.import_file(province, standalone.backup("friday-again.db"), UNIT)
    assert again["complaints_updated"] == 0 and again["complaints_kept"] == 0


def test_a_complaint_handled_here_keeps_this_servers_record(standalone, province):
    rid = standalone.rate(overall=1, complaint={"topic": "officer", "text": "Chưa được hướng dẫn"})
    imports.import_file(province, standalone.backup("monday.db"), UNIT)
    ours = _complaint_of(province, rid)
    store.update_complaint(province, ours["id"], "tinh", {"status": "in_progress"}, "assigned")
    commune = connect(standalone.path)
    store.update_complaint(commune, _complaint_of(commune, rid)["id"], "lan", {"status": "answered"}, "answered")
    commune.conn.close()
    result = imports.import_file(province, standalone.backup("friday.db"), UNIT)
    assert (result["complaints_updated"], result["complaints_kept"]) == (0, 1)
    assert _complaint_of(province, rid)["status"] == "in_progress"


def test_imported_receipts_and_ratings_count_in_the_units_figures(standalone, province):
    """The response rate and the main rating of the unit include what the commune brought
    (whatever the summary reads: the rows, or rollups kept in step with every write)."""
    from analysis import summarize
    from kiosk.clock import local_today
    rated, unrated = standalone.receipt(), standalone.receipt()
    standalone.rate(overall=5, receipt=rated)
    standalone.rate(overall=2)
    imports.import_file(province, standalone.backup("commune.db"), UNIT)
    today = local_today().isoformat()
    s = summarize(province, today, today, unit=UNIT)
    assert s["response_rate"] == {"returned": 2, "rated": 1, "rate": 0.5} and unrated
    assert (s["indicators"][0]["n"], s["indicators"][0]["satisfied"]) == (2, 1)


def test_the_summary_rollups_count_what_a_commune_brought(standalone, province):
    from tests.test_rollups import recomputed, rollup_rows
    standalone.rate()
    standalone.receipt()
    standalone.rate(overall=2)
    imports.import_file(province, standalone.backup("commune.db"), UNIT)
    assert rollup_rows(province) == recomputed(province)
    assert sum(r[2] for r in rollup_rows(province)["rollup_receipts"]) >= 1  # the returned dossier counted
