"""POST /api/v1/responses: created, duplicate, conflict, and every kind of bad input."""
import json
from datetime import UTC

import pytest

from kiosk import store
from kiosk.web.auth import hash_token


def test_tablet_rating_is_created_and_stored(tablet, db, rating_body):
    body = rating_body(overall=2, answers={"reasons": ["waiting", "attitude"], "on_time": "no"},
                       comment="Chờ lâu quá", duration_ms=8000, complete=True)
    r = tablet.post("/api/v1/responses", json=body)
    assert r.status_code == 201
    assert r.get_json() == {"id": body["id"], "status": "created"}
    row = store.get_response(db, body["id"])
    assert row["overall"] == 2 and row["scale"] == 5 and row["channel"] == "kiosk"
    assert row["kiosk"] == "Quầy 1" and row["counter"] == "Quầy 1"
    assert row["questionnaire"] == "counter" and row["questionnaire_version"] == 1
    assert row["comment"] == "Chờ lâu quá" and row["complete"] == 1 and row["flags"] == ""
    assert row["answers"] == {"overall": ["2"], "reasons": ["attitude", "waiting"], "on_time": ["no"]}
    assert row["local_date"] == row["rated_at"][:10] or row["local_date"] > row["rated_at"][:10]


def test_retry_is_a_duplicate_not_a_second_rating(tablet, db, rating_body):
    body = rating_body()
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    r = tablet.post("/api/v1/responses", json=body)
    assert r.status_code == 200 and r.get_json()["status"] == "duplicate"
    assert store.count_responses(db) == 1


def test_same_id_with_other_content_is_a_conflict_and_logged(tablet, db, rating_body):
    body = rating_body(overall=5)
    tablet.post("/api/v1/responses", json=body)
    r = tablet.post("/api/v1/responses", json=dict(body, overall=1))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"
    assert store.get_response(db, body["id"])["overall"] == 5
    logged = list(db.query("SELECT * FROM conflicts"))
    assert len(logged) == 1 and json.loads(logged[0]["body"])["overall"] == 1


@pytest.mark.parametrize("change, field", [
    ({"overall": 7}, "overall"),
    ({"overall": 0}, "overall"),
    ({"overall": "5"}, "overall"),
    ({"overall": True}, "overall"),
    ({"overall": 4.5}, "overall"),
    ({"overall": None}, "overall"),
    ({"answers": {"favourite_colour": "blue"}}, "answers.favourite_colour"),
    ({"answers": {"on_time": "maybe"}}, "answers.on_time"),
    ({"answers": {"visits": 3}}, "answers.visits"),
    ({"answers": {"reasons": "waiting"}}, "answers.reasons"),
    ({"answers": {"reasons": ["waiting", "bribes"]}}, "answers.reasons"),
    ({"answers": ["on_time"]}, "answers"),
    ({"comment": "x" * 20_000}, "comment"),
    ({"comment": 12}, "comment"),
    ({"id": "not-a-uuid"}, "id"),
    ({"id": 12345}, "id"),
    ({"channel": "fax"}, "channel"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"created_at": "2026-11-28T10:00:00"}, "created_at"),
    ({"complete": "yes"}, "complete"),
    ({"duration_ms": -5}, "duration_ms"),
    ({"questionnaire_version": 99}, "questionnaire_version"),
    ({"surprise": 1}, "surprise"),
])
def test_values_outside_the_questionnaire_are_refused_with_the_field(tablet, db, change, field, rating_body):
    r = tablet.post("/api/v1/responses", json=rating_body(**change))
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert field in error["fields"], error
    assert store.count_responses(db) == 0


def test_reasons_are_not_taken_for_a_happy_rating(tablet, rating_body):
    r = tablet.post("/api/v1/responses", json=rating_body(overall=5, answers={"reasons": ["fees"]}))
    assert r.status_code == 400
    assert "overall <= 3" in r.get_json()["error"]["fields"]["answers.reasons"]


def test_missing_id_is_refused(tablet, rating_body):
    body = rating_body()
    del body["id"]
    assert tablet.post("/api/v1/responses", json=body).get_json()["error"]["fields"]["id"]


def test_unknown_questionnaire_is_refused(tablet, rating_body):
    r = tablet.post("/api/v1/responses", json=rating_body(questionnaire="nope"))
    assert r.status_code == 400 and "questionnaire" in r.get_json()["error"]["fields"]


@pytest.mark.parametrize("data, content_type", [
    ("{broken", "application/json"),
    ("", "application/json"),
    ("overall=5", "application/x-www-form-urlencoded"),
    ("[1, 2]", "application/json"),
    ("\"text\"", "application/json"),
    ("null", "application/json"),
])
def test_broken_bodies_get_400_never_500(tablet, data, content_type):
    r = tablet.post("/api/v1/responses", data=data, content_type=content_type)
    assert r.status_code == 400
    assert r.get_json()["error"]["message"]


def test_huge_body_is_refused_cleanly(tablet):
    r = tablet.post("/api/v1/responses", data="x" * 400_000, content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"


def test_unenrolled_device_is_refused_with_a_clear_message(client, db, rating_body):
    r = client.post("/api/v1/responses", json=rating_body(), headers={"X-Kiosk-Request": "1"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "not_enrolled"
    assert "đăng ký" in r.get_json()["error"]["message"]
    assert store.count_responses(db) == 0


def test_a_stolen_cookie_without_the_kiosk_header_is_refused(tablet, rating_body):
    r = tablet.post("/api/v1/responses", json=rating_body(), headers={"X-Kiosk-Request": "0"})
    assert r.status_code == 401


def test_error_message_follows_the_language(client, rating_body):
    r = client.post("/api/v1/responses?lang=en", json=rating_body())
    assert "not enrolled" in r.get_json()["error"]["message"]


def test_kiosk_token_may_submit_but_leader_token_may_not(client, db, rating_body):
    store.create_token(db, "Quầy 2", "kiosk", hash_token("k-token"))
    store.create_token(db, "Tỉnh", "leader", hash_token("l-token"))
    ok = client.post("/api/v1/responses", json=rating_body(), headers={"Authorization": "Bearer k-token"})
    assert ok.status_code == 201
    no = client.post("/api/v1/responses", json=rating_body(), headers={"Authorization": "Bearer l-token"})
    assert no.status_code == 403
    bad = client.post("/api/v1/responses", json=rating_body(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert store.list_responses(db)[0]["kiosk"] == "Quầy 2"


def test_a_tablets_unit_is_read_with_its_credential_not_again(client, tablet, db, rating_body, monkeypatch):
    """The unit's settings come with the token's or tablet's own look-up (one statement)."""
    unit = store.list_units(db)[0]["code"]
    store.create_token(db, "Quầy 3", "kiosk", hash_token("k3-token"), unit=unit)
    monkeypatch.setattr(store, "get_unit", lambda *a: pytest.fail("the unit was looked up again"))
    by_token = client.post("/api/v1/responses", json=rating_body(), headers={"Authorization": "Bearer k3-token"})
    assert by_token.status_code == 201
    assert tablet.post("/api/v1/responses", json=rating_body()).status_code == 201
    assert {r["unit"] for r in store.list_responses(db)} == {unit}


def test_client_time_in_the_future_is_replaced_and_flagged(tablet, db, rating_body):
    body = rating_body(created_at="2099-01-01T08:00:00+07:00")
    tablet.post("/api/v1/responses", json=body)
    row = store.get_response(db, body["id"])
    assert row["flags"] == "clock" and not row["rated_at"].startswith("2099")
    assert row["created_at"] == "2099-01-01T08:00:00+07:00"


@pytest.mark.parametrize("client_time, local_date", [
    ("2026-11-27T23:59:30+07:00", "2026-11-27"),
    ("2026-11-28T00:00:10+07:00", "2026-11-28"),
    ("2026-11-27T17:00:10Z", "2026-11-28"),
])
def test_rating_belongs_to_the_local_date_of_the_tap(tablet, db, monkeypatch, rating_body,
                                                     client_time, local_date):
    from datetime import datetime

    from kiosk import clock
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    body = rating_body(created_at=client_time)
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    row = store.get_response(db, body["id"])
    assert row["local_date"] == local_date and "clock" not in row["flags"]
    assert row["submitted_at"] == "2026-11-28T03:00:00.000Z"


def test_abandoned_rating_is_kept_as_incomplete(tablet, db, rating_body):
    body = rating_body(overall=3, complete=False)
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    assert store.get_response(db, body["id"])["complete"] == 0


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_the_logged_body_of_a_conflict_is_made_only_for_a_conflict(fresh_db):
    """Every rating used to make its conflict log text (a JSON dump without the phone
    number); now only a conflict asks for it."""
    from kiosk import store
    from tests.analysis_helpers import local, record
    made = []

    def logged():
        made.append(1)
        return '{"id": "as received"}'
    rating = record(local("2026-11-05 09:00"), 4)
    assert store.save_response(fresh_db, rating, {"overall": 4}, conflict_body=logged)[0] == "created"
    assert store.save_response(fresh_db, rating, {"overall": 4}, conflict_body=logged)[0] == "duplicate"
    assert made == []
    other = dict(rating, overall=1, body_hash="another body")
    assert store.save_response(fresh_db, other, {"overall": 1}, conflict_body=logged)[0] == "conflict"
    assert made == [1]
    assert [r[0] for r in fresh_db.execute("SELECT body FROM conflicts")] == ['{"id": "as received"}']
