"""A citizen in the waiting room reads the commune's results on the public board, the TV and
the poster; nobody's comment, complaint, phone number or name is ever on them."""
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from kiosk import clock
from kiosk.store import rollups

SECRETS = ("Chị Lan ở thôn Đông", "0912345678", "tham nhũng phí 200 nghìn", "Nguyễn Văn Bí Mật")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def rated(tablet, db, monkeypatch, rating_body):
    """November 2026: twelve ratings (9 satisfied), comments and a complaint with a phone
    number, every response bound to a named officer; one flagged rating."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    monkeypatch.setattr(clock, "local_today", lambda: NOW.date())
    db.execute("UPDATE kiosks SET enrolled_at = '2026-10-01T00:00:00.000Z'")
    for i, overall in enumerate([5, 5, 4, 4, 5, 4, 5, 4, 5, 2, 1, 3]):
        body = rating_body(overall=overall, comment=f"{SECRETS[0]} góp ý số {i}",
                           created_at=f"2026-11-{5 + i:02d}T09:00:00+07:00")
        if overall == 1:
            body["comment"] = SECRETS[2]
            body["complaint"] = {"topic": "officer", "phone": SECRETS[1], "consent": True}
        assert tablet.post("/api/v1/responses", json=body).status_code == 201, body
    db.execute("UPDATE responses SET officer = ?", [SECRETS[3]])
    rollups.rebuild(db)  # an edit by hand: the rollups recomputed, as `python -m kiosk rebuild-rollups` does
    return db


def no_secrets(text: str):
    for secret in SECRETS:
        assert secret not in text, secret


def test_anyone_reads_this_months_and_this_quarters_figures_without_signing_in(app, client, rated):
    r = client.get("/cong-khai/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Tháng 11/2026" in page and "Quý IV/2026" in page
    assert "Tháng 11/2026: 75,0% người dân hài lòng với việc giải quyết thủ tục (12 ý kiến)" in page
    assert "Mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính" in page
    assert "Chưa đủ ý kiến" in page
    assert "http-equiv" not in page  # only the TV reloads itself
    assert "<script" not in page
    no_secrets(page)


def test_the_board_never_shows_comments_complaints_phones_or_officers(client, rated):
    for url in ("/cong-khai/", "/cong-khai/?tv=1", "/cong-khai/?tv=1&lang=en&period=year"):
        no_secrets(client.get(url).get_data(as_text=True))


def test_the_poster_pdf_has_the_figures_and_no_personal_data(client, rated, shots):
    r = client.get("/cong-khai/poster.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (shots / "public-poster.pdf").write_bytes(r.data)  # pdftoppm -png it to look at it
    reader = PdfReader(io.BytesIO(r.data))
    assert len(reader.pages) == 1  # one A4 sheet for the notice board
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 210
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG" in text.replace("\n", " ") and "75,0%" in text and "Quý IV/2026" in text
    no_secrets(text)


def test_flagged_ratings_stay_out_of_the_board_headline(app, tablet, client, rated, rating_body):
    app.config["OPENING_HOURS"] = {str(d): ["07:00-17:00"] for d in range(5)}
    for minute in (1, 2, 3):  # three 5s at 22:0x on a Wednesday night: flagged "hours"
        body = rating_body(overall=5, created_at=f"2026-11-18T22:0{minute}:00+07:00")
        assert tablet.post("/api/v1/responses", json=body).status_code == 201
    page = client.get("/cong-khai/").get_data(as_text=True)
    assert "75,0% người dân hài lòng với việc giải quyết thủ tục (12 ý kiến)" in page
    assert "3 phiếu nghi vấn" in page


def test_the_tv_reloads_itself_without_a_script(app, client, rated):
    app.config["PUBLIC_BOARD_REFRESH_SECONDS"] = 120
    page = client.get("/cong-khai/?tv=1").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="120">' in page
    assert 'class="public tv"' in page and "<script" not in page


def test_officer_figures_appear_only_when_the_commune_turns_them_on(app, client, rated):
    assert "Theo cán bộ" not in client.get("/cong-khai/").get_data(as_text=True)
    app.config["PUBLIC_BOARD_OFFICERS"] = True
    page = client.get("/cong-khai/").get_data(as_text=True)
    assert "Theo cán bộ" in page and SECRETS[3] in page
    for secret in SECRETS[:3]:
        assert secret not in page


def test_a_commune_can_switch_the_board_off(app, client, rated):
    app.config["PUBLIC_BOARD_ENABLED"] = False
    assert client.get("/cong-khai/").status_code == 404
    assert client.get("/cong-khai/poster.pdf").status_code == 404


def test_an_empty_board_says_so_kindly(client):
    page = client.get("/cong-khai/").get_data(as_text=True)
    assert "chưa có ý kiến nào" in page
    tv = client.get("/cong-khai/?tv=1").get_data(as_text=True)
    assert tv.count('class="verdict-no_data"') == 14  # the TV does not show empty tables
    assert client.get("/cong-khai/poster.pdf").status_code == 200
