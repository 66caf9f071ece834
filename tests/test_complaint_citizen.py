"""The citizen's side of complaints on the phone form: "Tôi muốn được phản hồi", consent
before any phone number, and the complaint's status on /r/<code> afterwards."""
from __future__ import annotations

import re

import pytest

from kiosk import store
from kiosk.domain import codes
from tests.helpers import ROOT
from tests.phone_helpers import walk_to_last
from tests.receipt_helpers import issue, make_token


@pytest.fixture
def code(client, db):
    out = issue(client, make_token(db, "officer"), procedure_code="1.001612", officer="Lê Văn Bình")
    return out["code"]


def text(r):
    return r.get_data(as_text=True)


COMPLAINT = {"overall": "1", "comment": "Cán bộ không hướng dẫn, phải đi lại ba lần.",
             "want_reply": "y", "cx_kind": "complaint", "cx_topic": "officer"}


def contacts(db):
    return list(db.query("SELECT * FROM complaint_contacts"))


def test_the_form_offers_a_reply_with_nothing_ticked_and_the_notice(client, code):
    page = walk_to_last(client, code, {"overall": "4"})
    assert "Tôi muốn được phản hồi" in page and "checked" not in page
    for testid in ("complaint-toggle", "complaint-kind-complaint", "complaint-kind-suggestion",
                   "complaint-topic-procedure", "complaint-topic-officer", "complaint-topic-place",
                   "complaint-topic-other", "complaint-phone", "complaint-consent", "complaint-notice"):
        assert f'data-testid="{testid}"' in page, testid
    notice = page[page.index('data-testid="complaint-notice"'):]
    notice = notice[:notice.index("</div>")]
    for words in ("chỉ số điện thoại", "gọi lại", "Trung tâm Phục vụ hành chính công xã", "UBND Xã Mẫu",
                  "thêm 30 ngày", "tự động xóa", "tại quầy hoặc qua điện thoại", "xóa số ngay"):
        assert words in notice, words
    assert "<script" not in page
    assert "style=" not in page
    # the complaint part comes after the comment
    assert page.index('data-testid="q-comment"') < page.index('data-testid="complaint"')
    english = walk_to_last(client, code, {"overall": "4"}, "?lang=en")
    assert "I would like a reply" in english and "erased automatically" in english


def test_without_the_box_ticked_nothing_becomes_a_complaint(client, db, code):
    data = dict(COMPLAINT, cx_phone="0912345678", cx_consent="y")
    del data["want_reply"]
    r = client.post(f"/r/{code}", data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith("/r/thanks")
    assert store.count_responses(db) == 1
    assert store.list_complaints(db) == [] and contacts(db) == []


def test_phone_without_consent_comes_back_kindly_and_keeps_what_was_typed(client, db, code):
    data = dict(COMPLAINT, cx_phone="0912 345 678", staff="2")
    r = client.post(f"/r/{code}", data=data)
    assert r.status_code == 200
    page = text(r)
    assert 'data-testid="problem"' in page and 'data-testid="consent-error"' in page
    assert "đánh dấu ô đồng ý" in page
    # everything the citizen typed is still there; the consent box is still unticked
    assert 'value="0912 345 678"' in page
    assert "Cán bộ không hướng dẫn, phải đi lại ba lần." in page
    assert re.search(r'id="want_reply"[^>]*checked', page)
    assert re.search(r'value="officer"[^>]*checked|checked[^>]*value="officer"', page)
    assert re.search(r'value="complaint"[^>]*checked|checked[^>]*value="complaint"', page)
    assert not re.search(r'id="cx_consent"[^>]*checked', page)
    # nothing stored, the code still works
    assert store.count_responses(db) == 0 and store.list_complaints(db) == [] and contacts(db) == []
    assert store.get_receipt(db, code)["used_at"] is None
    assert "0912" not in str(list(db.query("SELECT * FROM audit_log")))
    # in English too
    r = client.post(f"/r/{code}?lang=en", data=data)
    assert r.status_code == 200 and "Please tick the consent box" in text(r)


def test_a_wrong_phone_number_comes_back_kindly(client, db, code):
    r = client.post(f"/r/{code}", data=dict(COMPLAINT, cx_phone="12345", cx_consent="y"))
    assert r.status_code == 200
    assert 'data-testid="phone-error"' in text(r) and "Số điện thoại chưa đúng" in text(r)
    assert store.count_responses(db) == 0 and contacts(db) == []


@pytest.mark.parametrize("data", [{"cx_kind": "weird"}, {"cx_topic": "weather"}, {"cx_phone": "0" * 40},
                                  {"cx_consent": "maybe", "cx_phone": "x"}])
def test_odd_complaint_fields_never_give_a_500(client, db, code, data):
    r = client.post(f"/r/{code}", data=dict(COMPLAINT, **data))
    assert r.status_code == 200 and 'data-testid="problem"' in text(r)
    assert store.count_responses(db) == 0 and contacts(db) == []


def test_with_consent_the_complaint_is_stored_and_its_status_shown(client, db, code):
    r = client.post(f"/r/{code}", data=dict(COMPLAINT, cx_phone="0912 345 678", cx_consent="y"))
    (c,) = store.list_complaints(db)
    # the complaint's own page, under its own code: the citizen holds it, the receipt does not
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/phan-anh/{c['code']}?sent=1")
    assert len(c["code"]) == 9 and c["code"] != code
    assert c["topic"] == "officer" and c["text"] == "Cán bộ không hướng dẫn, phải đi lại ba lần."
    assert c["receipt"] == code and c["status"] == "new"
    (row,) = store.list_responses(db)
    assert c["response_id"] == row["id"]
    assert store.complaint_contact(db, c["id"])["phone"] == "0912345678"
    assert store.complaint_events(db, c["id"])[0]["detail"] == "complaint"
    page = text(client.get(r.headers["Location"]))
    assert 'data-testid="notice-thanks"' in page and codes.display(c["code"]) in page
    status = page[page.index('data-testid="complaint-status"'):]
    assert "Mới" in status
    y, m, d = c["due_date"].split("-")
    assert f"{d}/{m}/{y}" in status
    assert "0912" not in page and "Lê Văn Bình" not in page and "HS-" not in page


def test_a_suggestion_without_topic_or_phone_is_about_other(client, db, code):
    data = {"overall": "4", "comment": "Nên có thêm ghế chờ.", "want_reply": "y", "cx_kind": "suggestion"}
    assert client.post(f"/r/{code}", data=data).status_code == 302
    (c,) = store.list_complaints(db)
    assert c["topic"] == "other" and contacts(db) == []
    assert store.complaint_events(db, c["id"])[0]["detail"] == "suggestion"


def test_later_the_citizen_sees_the_reply_or_the_reason_and_nothing_else(app, client, db, code, login):
    client.post(f"/r/{code}", data=dict(COMPLAINT, cx_phone="0912345678", cx_consent="y"))
    (c,) = store.list_complaints(db)
    store.update_complaint(db, c["id"], "lanh-dao", {"status": "in_progress"}, "status", "in_progress")
    r = client.get(f"/phan-anh/{c['code']}")
    assert r.status_code == 200 and "Đang xử lý" in text(r) and 'data-testid="notice-thanks"' not in text(r)
    staff = app.test_client()
    login(staff, "leader")
    staff.post(f"/admin/complaints/{c['id']}",
               data={"action": "answer", "reply": "Đã nhắc nhở <b>cán bộ</b>."})
    page = text(client.get(f"/phan-anh/{c['code']}"))
    assert "Đã trả lời" in page and "Đã nhắc nhở &lt;b&gt;cán bộ&lt;/b&gt;." in page
    assert "0912345678" not in page and "lanh-dao" not in page and "leader" not in page
    assert "?lang=en" in page
    assert "Answered" in text(client.get(f"/phan-anh/{c['code']}?lang=en"))
    # the receipt's code (on papers others may see, or bound by mistake) shows the state only
    by_receipt = text(client.get(f"/r/{code}?lang=vi"))
    assert "Đã trả lời" in by_receipt and "nhắc nhở" not in by_receipt
    assert 'data-testid="reply-needs-code"' in by_receipt


def test_not_accepted_shows_the_reason(client, db, code):
    client.post(f"/r/{code}", data=COMPLAINT)
    (c,) = store.list_complaints(db)
    store.update_complaint(db, c["id"], "x",
                           {"status": "not_accepted", "not_accepted_reason": "Không thuộc thẩm quyền xã"},
                           "not_accepted", "")
    page = text(client.get(f"/phan-anh/{c['code']}"))
    assert "Không thụ lý" in page and "Không thuộc thẩm quyền xã" in page
    assert "Không thuộc thẩm quyền xã" not in text(client.get(f"/r/{code}"))


def test_a_used_code_without_complaint_keeps_the_used_notice(client, code):
    assert client.post(f"/r/{code}", data={"overall": "5"}).status_code == 302
    r = client.get(f"/r/{code}")
    assert r.status_code == 410 and 'data-testid="notice-used"' in text(r)
    assert 'data-testid="complaint-status"' not in text(r)


def test_the_page_stays_small(client, code):
    html = client.get(f"/r/{code}").data
    css = (ROOT / "kiosk" / "web" / "static" / "phone.css").read_bytes()
    assert len(html) + len(css) < 30_000


def test_a_citizen_types_the_complaint_code_to_read_the_answer(client, db, code):
    client.post(f"/r/{code}", data=COMPLAINT)
    (c,) = store.list_complaints(db)
    page = text(client.get("/phan-anh/?lang=vi"))
    assert 'data-testid="enter-complaint-code"' in page and "Mã phản ánh" in page
    typed = f"{c['code'][:4].lower()} {c['code'][4:]}"
    r = client.get("/phan-anh/", query_string={"code": typed})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/phan-anh/{c['code']}")
    assert client.get("/phan-anh/", query_string={"code": "x"}).status_code == 400
    assert client.get("/phan-anh/ZZZZZZZZZ").status_code == 404
