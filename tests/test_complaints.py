"""Complaints and suggestions: consent, deadlines, the inbox, and erasing phone numbers."""
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk import store
from kiosk.domain import complaints as complaint_rules
from kiosk.domain.workdays import add_working_days, parse_holidays, working_days_between
from kiosk.store import complaints as complaint_store
from kiosk.web import complaints as inbox_module

HOLIDAYS = parse_holidays(["2026-09-01", "2026-09-02", "2027-01-01"])


@pytest.mark.parametrize("start, days, expected", [
    ("2026-11-27", 1, "2026-11-30"),   # Friday + 1 → Monday
    ("2026-11-28", 1, "2026-11-30"),   # received on Saturday
    ("2026-11-23", 15, "2026-12-14"),  # three plain weeks
    ("2026-08-28", 3, "2026-09-04"),   # Friday, then 1-2 Sept holidays skipped
    ("2026-12-28", 5, "2027-01-05"),   # across the year end and New Year's Day
])
def test_working_day_calculator(start, days, expected):
    assert add_working_days(date.fromisoformat(start), days, HOLIDAYS).isoformat() == expected


def test_working_days_between_counts_what_add_adds():
    start = date(2026, 12, 24)
    due = add_working_days(start, 15, HOLIDAYS)
    assert working_days_between(start, due, HOLIDAYS) == 15


@pytest.mark.parametrize("complaint, error", [
    ({"topic": "officer", "text": "x", "phone": "0912345678"}, "consent_required"),
    ({"topic": "officer", "text": "x", "phone": "0912345678", "consent": False}, "consent_required"),
    ({"topic": "officer", "text": "x", "phone": "0912345678", "consent": "yes"}, "must be true or false"),
    ({"topic": "officer", "text": "x", "phone": "12", "consent": True}, "phone number"),
    ({"topic": "weather", "text": "x"}, "must be one of"),
])
def test_complaint_rules_refuse(complaint, error):
    result, errors = complaint_rules.parse_complaint(complaint, None, received=date(2026, 11, 27),
                                                     holidays=[])
    assert result is None and any(error in e for e in errors.values()), errors


def test_consented_phone_is_kept_normalised_and_due_in_15_working_days():
    result, errors = complaint_rules.parse_complaint(
        {"topic": "place", "phone": "0912 345.678", "consent": True}, "Thiếu ghế ngồi chờ",
        received=date(2026, 11, 27), holidays=[])
    assert errors == {}
    assert result["phone"] == "0912345678" and result["text"] == "Thiếu ghế ngồi chờ"
    assert result["due_date"] == "2026-12-18"


@pytest.mark.parametrize("text, flags", [
    ("Cán bộ hướng dẫn tận tình nhưng phải chờ lâu", []),
    ("", ["empty"]),
    ("  ", ["empty"]),
    ("Đồ ngu", ["profanity"]),
    ("asdfghjklqwrtyp", ["gibberish"]),
    ("!!!!!!!!!!!!!!!!", ["gibberish"]),
])
def test_odd_texts_are_flagged_for_review(text, flags):
    assert complaint_rules.text_flags(text) == flags


@pytest.fixture
def complain(tablet, rating_body):
    """``complain(**complaint)``: the counter tablet sends a 1 with a comment and this complaint;
    returns (body, response)."""
    def send(**complaint):
        body = rating_body(overall=1, comment="Cán bộ không hướng dẫn", complaint=complaint)
        return body, tablet.post("/api/v1/responses", json=body)
    return send


def test_citizen_complaint_with_consent_is_stored_apart_from_the_rating(complain, db):
    body, r = complain(topic="officer", phone="0912345678", consent=True)
    assert r.status_code == 201
    (c,) = store.list_complaints(db)
    assert c["text"] == "Cán bộ không hướng dẫn" and c["status"] == "new" and c["topic"] == "officer"
    assert store.complaint_contact(db, c["id"])["phone"] == "0912345678"
    row = store.get_response(db, body["id"])
    assert "0912345678" not in str(row)  # no number with the rating


def test_phone_without_consent_is_refused_and_nothing_is_stored(complain, db):
    _, r = complain(topic="officer", phone="0912345678")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "consent_required"
    assert store.count_responses(db) == 0 and store.list_complaints(db) == []


def test_a_complaint_without_text_is_refused_a_two_letter_one_kept_and_flagged(tablet, db, rating_body):
    """Nobody is promised an answer in 15 working days to a complaint that says nothing."""
    r = tablet.post("/api/v1/responses", json=rating_body(overall=2, complaint={"topic": "other"}))
    assert r.status_code == 400 and "complaint.text" in r.get_json()["error"]["fields"]
    blank = rating_body(overall=2, complaint={"topic": "other", "text": "  "})
    r = tablet.post("/api/v1/responses", json=blank)
    assert r.status_code == 400
    assert store.list_complaints(db) == [] and store.count_responses(db) == 0
    body = rating_body(overall=2, complaint={"topic": "other", "text": "ok"})
    assert tablet.post("/api/v1/responses", json=body).status_code == 201
    (c,) = store.list_complaints(db)
    assert c["flags"] == "empty"


def test_official_answers_in_the_inbox_and_history_records_it(complain, db, client, login, make_user):
    complain(topic="officer", text="<script>alert(1)</script> chờ lâu")
    make_user("pho-chu-tich", "leader")
    login(client, "leader", "chu-tich")
    page = client.get("/admin/complaints/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    (c,) = store.list_complaints(db)
    client.post(f"/admin/complaints/{c['id']}", data={"action": "assign", "assignee": "pho-chu-tich"})
    client.post(f"/admin/complaints/{c['id']}", data={"action": "answer", "reply": "Đã nhắc nhở cán bộ."})
    c = store.get_complaint(db, c["id"])
    assert c["status"] == "answered" and c["reply"] == "Đã nhắc nhở cán bộ." and c["closed_at"]
    assert c["assignee"] == "pho-chu-tich"
    actions = [(e["actor"], e["action"]) for e in store.complaint_events(db, c["id"])]
    assert actions == [("citizen", "received"), ("chu-tich", "assigned"), ("chu-tich", "answered")]


def test_not_accepted_needs_a_reason(complain, db, client, login):
    complain(topic="procedure", text="Phí cao quá")
    login(client, "leader")
    (c,) = store.list_complaints(db)
    r = client.post(f"/admin/complaints/{c['id']}", data={"action": "not_accept", "reason": ""})
    assert "Vui lòng ghi lý do" in r.get_data(as_text=True)
    client.post(f"/admin/complaints/{c['id']}", data={"action": "not_accept", "reason": "Phí theo quy định"})
    assert store.get_complaint(db, c["id"])["status"] == "not_accepted"


def test_phone_is_shown_only_to_the_handler(complain, db, client, login):
    complain(topic="officer", phone="0987654321", consent=True)
    (c,) = store.list_complaints(db)
    login(client, "leader", "lanh-dao")
    assert "0987654321" not in client.get(f"/admin/complaints/{c['id']}").get_data(as_text=True)
    client.post(f"/admin/complaints/{c['id']}", data={"action": "assign", "assignee": "lanh-dao"})
    assert "0987654321" in client.get(f"/admin/complaints/{c['id']}").get_data(as_text=True)


def test_officers_cannot_open_the_inbox(client, login):
    login(client, "officer")
    assert client.get("/admin/complaints/").status_code == 403


def test_phone_number_is_erased_after_closure_plus_retention(app, complain, db, client, monkeypatch, login):
    complain(topic="officer", phone="0912345678", consent=True)
    (c,) = store.list_complaints(db)
    login(client, "admin")
    client.post(f"/admin/complaints/{c['id']}", data={"action": "answer", "reply": "Đã xử lý."})
    closed_at = datetime.now(UTC)
    app.extensions.pop("contacts_purged_at", None)
    client.get("/admin/complaints/")
    assert store.complaint_contact(db, c["id"])["phone"] == "0912345678"  # still within retention
    later = closed_at + timedelta(days=31)
    monkeypatch.setattr(inbox_module, "utcnow", lambda: later)
    monkeypatch.setattr(complaint_store, "utcnow", lambda: later)
    app.extensions.pop("contacts_purged_at", None)
    client.get("/admin/complaints/")
    contact = store.complaint_contact(db, c["id"])
    assert contact["phone"] is None and contact["erased_at"]
    assert store.complaint_events(db, c["id"])[-1]["action"] == "phone_erased"
    assert list(db.query("SELECT * FROM audit_log WHERE action = 'phone_erased'"))
