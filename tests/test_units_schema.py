"""Units (issue 15): a commune's existing database moves into its first unit without losing
or re-sealing anything, every write stores its unit, and each unit's chain verifies alone."""
from __future__ import annotations

import json
import uuid

import pytest

from kiosk import settings, store
from kiosk.domain.units import unit_settings
from kiosk.store import chain, migrations
from kiosk.store.db import connect, init_db
from kiosk.web.auth import hash_password, hash_token
from tests.helpers import ALWAYS_OPEN, PASSWORD


def _old_response(seq: int, prev: str, version: int) -> dict:
    """A response as the code before units wrote it: chain v1 (key columns) or v2 (groups)."""
    row = {"id": f"old-{seq}", "seq": seq, "questionnaire": "counter", "questionnaire_version": 1,
           "channel": "kiosk", "overall": 1 + seq % 5, "scale": 5, "complete": 1, "comment": None,
           "created_at": None, "submitted_at": f"2026-01-05T03:00:0{seq}.000Z",
           "rated_at": f"2026-01-05T03:00:0{seq}.000Z", "local_date": "2026-01-05", "local_month": "2026-01",
           "local_hour": 10, "local_weekday": 0, "kiosk": "Quầy 1", "counter": "Quầy 1", "receipt": None,
           "dossier_code": None, "procedure_code": None, "field": None, "officer": None, "duration_ms": 900,
           "flags": "", "demo": 0, "body_hash": f"b{seq}", "prev_hash": prev}
    if version == 1:
        row["hash"] = chain.link_v1(prev, row)
    else:
        parts = chain.digests(row, [("overall", str(row["overall"]), "2026-01-05", 0)], None, 2)
        row.update(chain_version=2, hash=chain.link_v2(prev, parts, 2),
                   seal=json.dumps({k: v[:16] for k, v in parts.items()}))
    return row


@pytest.fixture
def old_database(tmp_path):
    """A commune's database as it stood before units: two v1 links, two v2 links with their
    answers, a user, a token, a tablet, a receipt, a complaint and a recorded report head."""
    path = tmp_path / "old.db"
    db = connect(path)
    migrations.migrations.apply(db, stop_before="m010_units")
    prev = chain.GENESIS
    for seq, version in ((1, 1), (2, 1), (3, 2), (4, 2)):
        row = _old_response(seq, prev, version)
        db["responses"].insert(row)
        if version == 2:
            db["answers"].insert({"response_id": row["id"], "question_id": "overall",
                                  "value": str(row["overall"]), "local_date": "2026-01-05", "flagged": 0})
        prev = row["hash"]
    db["users"].insert({"username": "chutich", "password_hash": hash_password(PASSWORD), "role": "leader",
                        "created_at": "2026-01-01T00:00:00Z", "active": 1})
    db["api_tokens"].insert({"name": "mot-cua", "role": "officer", "token_hash": hash_token("t"),
                             "created_at": "2026-01-01T00:00:00Z", "revoked": 0})
    db["kiosks"].insert({"name": "Quầy 1", "token_hash": hash_token("k"), "counter": "Quầy 1", "revoked": 0})
    db["receipts"].insert({"code": "ABCD2345", "dossier_code": "H1", "procedure_code": "1.001193",
                           "officer": "Lan", "issued_at": "2026-01-04T01:00:00Z", "expires_at": "2099-01-01"})
    db["complaints"].insert({"response_id": "old-1", "topic": "place", "text": "Chờ lâu", "status": "new",
                             "received_at": "2026-01-05T03:00:03Z", "code": "PA1"})
    db["report_heads"].insert({"at": "2026-01-06T00:00:00Z", "actor": "chutich", "kind": "report.pdf",
                               "seq": 4, "hash": prev})
    db.conn.close()
    return path


CONFIG = dict(settings.defaults(), UNIT_CODE="27001", COMMUNE_NAME="Xã Đông Hòa", PROVINCE_NAME="Tỉnh Bắc Ninh")


def test_an_existing_database_moves_into_its_first_unit_with_nothing_lost_or_resealed(old_database):
    before = connect(old_database)
    hashes = [tuple(r) for r in before.execute("SELECT seq, hash, prev_hash, chain_version FROM responses")]
    before.conn.close()

    init_db(old_database, CONFIG)

    db = connect(old_database)
    assert store.list_units(db) == [dict(store.get_unit(db, "27001"))]
    unit = store.get_unit(db, "27001")
    assert (unit["name"], unit["province"], unit["settings"], unit["hidden_procedures"]) == (
        "Xã Đông Hòa", "Tỉnh Bắc Ninh", {}, [])
    assert [tuple(r) for r in db.execute("SELECT seq, hash, prev_hash, chain_version FROM responses")] == hashes
    for table in ("responses", "users", "api_tokens", "kiosks", "receipts", "complaints"):
        assert {r[0] for r in db.execute(f"SELECT unit FROM {table}")} == {"27001"}, table
    assert db.execute("SELECT unit FROM report_heads").fetchone()[0] is None  # the whole installation's
    heads = store.recorded_heads(db)
    assert store.verify_chain(db, heads=heads) == {"checked": 4, "broken_at": None, "reason": None}
    assert store.verify_chain(db, heads=heads, unit="27001")["checked"] == 4
    assert store.only_unit(db) == "27001"
    db.conn.close()

    init_db(old_database, dict(CONFIG, UNIT_CODE="99999"))  # a second start changes nothing
    db = connect(old_database)
    assert [u["code"] for u in store.list_units(db)] == ["27001"]
    db.conn.close()


def test_the_first_new_rating_after_the_move_extends_the_old_chain(old_database, tmp_path, rating_body):
    from kiosk import create_app
    app = create_app({"INSTANCE": tmp_path / "instance", "DATABASE": str(old_database), "TESTING": True,
                      "SECRET_KEY": "test", "OPENING_HOURS": ALWAYS_OPEN, "COOLDOWN_SECONDS": 0,
                      "UNIT_CODE": "27001"})
    db = connect(old_database)
    store.create_token(db, "kiosk", "kiosk", hash_token("kt"), unit="27001")
    r = app.test_client().post("/api/v1/responses", json=rating_body(), headers={"Authorization": "Bearer kt"})
    assert r.status_code == 201
    new = db.execute("SELECT unit, chain_version, prev_hash FROM responses WHERE seq = 5").fetchone()
    old_tail = db.execute("SELECT hash FROM responses WHERE seq = 4").fetchone()[0]
    assert tuple(new) == ("27001", chain.VERSION, old_tail)
    assert store.verify_chain(db, heads=store.recorded_heads(db))["broken_at"] is None
    db.conn.close()


@pytest.fixture
def two_units(db):
    """The app's database with a second commune beside the first (00001)."""
    store.create_unit(db, "27002", "Xã Tây Hòa", province="Tỉnh Bắc Ninh")
    return db


def _rate(client, db, unit, n, token_name):
    store.create_token(db, token_name, "kiosk", hash_token(token_name), unit=unit)
    for _ in range(n):
        body = {"id": str(uuid.uuid4()), "channel": "kiosk", "overall": 4, "answers": {}}
        assert client.post("/api/v1/responses", json=body,
                           headers={"Authorization": f"Bearer {token_name}"}).status_code == 201


def test_each_units_chain_verifies_on_its_own(client, two_units):
    db = two_units
    _rate(client, db, "00001", 2, "ta")
    _rate(client, db, "27002", 3, "tb")
    _rate(client, db, "00001", 1, "tc")
    rows = {r["seq"]: r for r in db.query("SELECT seq, unit, prev_hash, hash FROM responses")}
    assert [rows[s]["unit"] for s in range(1, 7)] == ["00001"] * 2 + ["27002"] * 3 + ["00001"]
    assert rows[6]["prev_hash"] == rows[2]["hash"]  # the previous link of its own unit
    assert rows[3]["prev_hash"] == chain.GENESIS  # the second unit's chain starts afresh
    assert store.verify_chain(db)["checked"] == 6
    assert store.verify_chain(db, unit="00001")["checked"] == 3
    assert store.verify_chain(db, unit="27002")["checked"] == 3
    assert store.chain_head(db, "27002") == {"seq": 5, "hash": rows[5]["hash"]}

    db.execute("UPDATE responses SET overall = 1 WHERE seq = 4")  # an edit in the second unit
    assert store.verify_chain(db, unit="27002")["broken_at"] == 4
    assert store.verify_chain(db, unit="00001")["broken_at"] is None
    assert store.verify_chain(db)["broken_at"] == 4


def test_moving_a_rating_to_another_unit_breaks_the_chain(client, two_units):
    db = two_units
    _rate(client, db, "00001", 2, "ta")
    db.execute("UPDATE responses SET unit = '27002' WHERE seq = 2")
    result = store.verify_chain(db)
    assert result["broken_at"] == 2 and "unit" in result["reason"]


def test_moving_an_old_link_out_of_the_first_unit_is_caught(old_database):
    init_db(old_database, CONFIG)
    db = connect(old_database)
    store.create_unit(db, "27002", "Xã Tây Hòa")
    db.execute("UPDATE responses SET unit = '27002' WHERE seq = 3")
    assert store.verify_chain(db)["broken_at"] == 3
    assert store.verify_chain(db, unit="27001")["broken_at"] is not None
    db.conn.close()


def test_every_write_stores_its_unit(app, client, two_units, login):
    """An officer's receipt, the tablet's rating bound to it and its complaint carry the
    unit of whoever wrote them; another commune's tablet cannot use that receipt."""
    db = two_units
    store.create_user(db, "lan", hash_password(PASSWORD), "officer", unit="27002")
    store.create_token(db, "quay-b", "officer", hash_token("officer-b"), unit="27002")
    r = client.post("/api/v1/receipts", json={"dossier_code": "HS-1", "procedure_code": "1.001193",
                                              "officer": "Lan"}, headers={"Authorization": "Bearer officer-b"})
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["code"]
    assert store.get_receipt(db, code)["unit"] == "27002"
    store.enrol_kiosk(db, "Quầy 1", hash_token("tab-a"), "admin", counter="Quầy 1", unit="00001")
    store.enrol_kiosk(db, "Quầy 1", hash_token("tab-b"), "admin", counter="Quầy 1", unit="27002")
    assert {k["unit"] for k in store.list_kiosks(db)} == {"00001", "27002"}  # same name, two communes
    rid = str(uuid.uuid4())
    body = {"id": rid, "channel": "kiosk", "overall": 2, "answers": {}, "receipt": code,
            "complaint": {"topic": "place", "text": "Phải chờ quá lâu"}}
    client.set_cookie("kiosk_device", "tab-a")
    wrong = client.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"})
    assert wrong.status_code == 404 or wrong.status_code == 400, wrong.get_json()  # not this commune's code
    client.set_cookie("kiosk_device", "tab-b")
    right = client.post("/api/v1/responses", json=body, headers={"X-Kiosk-Request": "1"})
    assert right.status_code == 201, right.get_json()
    row = store.get_response(db, rid)
    assert (row["unit"], row["kiosk"]) == ("27002", "Quầy 1")
    assert db.execute("SELECT unit FROM complaints WHERE response_id = ?", [rid]).fetchone()[0] == "27002"


def test_a_units_settings_overlay_the_installations():
    unit = {"code": "27002", "name": "Xã Tây Hòa", "province": None,
            "settings": {"OPENING_HOURS": {"0": ["08:00-11:00"]}, "HOLIDAYS": ["2026-02-01"],
                         "SECRET_KEY": "never from a unit"}}
    base = dict(settings.defaults(), SECRET_KEY="own")
    mine = unit_settings(base, unit)  # not the first unit (UNIT_CODE): named by its row
    assert mine["COMMUNE_NAME"] == "Xã Tây Hòa" and mine["UNIT"] == "27002"
    assert mine["OPENING_HOURS"] == {"0": ["08:00-11:00"]} and mine["HOLIDAYS"] == ["2026-02-01"]
    assert mine["SECRET_KEY"] == "own" and mine["PROVINCE_NAME"] == base["PROVINCE_NAME"]
    assert mine["UNIT_NAME"] == base["UNIT_NAME"]
    assert unit_settings(base, None)["COMMUNE_NAME"] == base["COMMUNE_NAME"]


@pytest.mark.parametrize("value, ok", [("00001", True), ("xa-dong-hoa", True), (27001, True),
                                       ("", False), ("a b", False), ("x" * 33, False)])
def test_the_unit_code_setting_is_checked(value, ok):
    if ok:
        assert settings.check(dict(settings.defaults(), UNIT_CODE=value))["UNIT_CODE"] == str(value)
    else:
        with pytest.raises(settings.SettingsError, match="UNIT_CODE"):
            settings.check(dict(settings.defaults(), UNIT_CODE=value))


def test_the_first_unit_stays_the_first_and_none_is_not_remembered(fresh_db):
    """``first_unit`` is asked once per connection (every rating needs it): only once a unit
    exists, and later units never take its place."""
    from kiosk.store.units import first_unit
    fresh_db.execute("DELETE FROM units")  # a database from before units, not yet adopted
    assert first_unit(fresh_db) is None
    store.create_unit(fresh_db, "00001", "Xã Một")
    assert first_unit(fresh_db) == "00001"
    store.create_unit(fresh_db, "00002", "Xã Hai")
    assert first_unit(fresh_db) == "00001"


def test_a_credentials_look_up_brings_its_units_row_as_get_unit_reads_it(fresh_db):
    """A rating needs its tablet's or token's unit (its opening hours, holidays): the
    credential's one statement reads both, decoded as ``get_unit`` decodes them."""
    store.create_unit(fresh_db, "00002", "Xã Hai", settings={"OPENING_HOURS": {"0": ["07:00-11:00"]}},
                      hidden_procedures=["1.001"])
    store.create_token(fresh_db, "Quầy 1", "kiosk", hash_token("tok-2"), unit="00002")
    store.create_token(fresh_db, "Tỉnh", "leader", hash_token("tok-p"))
    store.enrol_kiosk(fresh_db, "Máy 1", hash_token("cookie-2"), "admin", "Quầy 1", unit="00002")
    token = store.find_token(fresh_db, hash_token("tok-2"))
    assert token["unit_row"] == store.get_unit(fresh_db, "00002")
    assert token["unit_row"]["settings"]["OPENING_HOURS"] == {"0": ["07:00-11:00"]}
    assert not any(key.startswith("unit.") for key in token)
    assert store.find_kiosk(fresh_db, hash_token("cookie-2"))["unit_row"] == store.get_unit(fresh_db, "00002")
    assert store.find_token(fresh_db, hash_token("tok-p"))["unit_row"] is None  # province-wide


def test_the_joined_unit_columns_are_every_column_of_units(fresh_db):
    from kiosk.store.units import UNIT_COLUMNS
    assert {c.name for c in fresh_db["units"].columns} == set(UNIT_COLUMNS)
