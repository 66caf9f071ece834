"""A commune leader reads the figures in one sentence, and every marker on the dashboard says
what it is: the plain-language summary (analysis/plain.py) and the wording fixes of issue 17."""
import re
from datetime import UTC, datetime

import pytest

from analysis import plain
from kiosk import clock

ROW = {"id": "tthc_satisfaction", "n": 312, "satisfied": 294, "rate": 294 / 312, "ci_low": 0.91,
       "ci_high": 0.96, "target": 0.9, "verdict": "met", "more_needed": None}


@pytest.mark.parametrize("over, lang, says", [
    ({}, "vi", "Tháng 11/2026: 94,2% người dân hài lòng với việc giải quyết thủ tục (312 ý kiến) — đạt chỉ tiêu 90%."),
    ({"verdict": "not_met"}, "vi", "— chưa đạt chỉ tiêu 90%."),
    ({"verdict": "uncertain"}, "vi", "— chưa đủ ý kiến để kết luận so với chỉ tiêu 90%."),
    ({"verdict": "no_data", "rate": None, "n": 0}, "vi", "Tháng 11/2026: chưa có ý kiến nào về chỉ tiêu này"),
    ({"n": 12345}, "vi", "(12.345 ý kiến)"),
    ({"id": "complaints_handled", "census": True, "n": 4, "rate": 1.0, "target": 1.0}, "vi",
     "100,0% phản ánh, kiến nghị được xử lý đúng hạn (4 phản ánh đến hạn) — đạt chỉ tiêu 100%."),
    ({"id": "four_on_the_spot", "target": 0.2, "rate": 0.25}, "vi", "25,0% hồ sơ được giải quyết “4 tại chỗ”"),
    ({}, "en", "Tháng 11/2026: 94.2% of citizens satisfied with how their procedure was handled (312 answers) — "
               "target of 90% met."),
])
def test_one_sentence_per_indicator(over, lang, says):
    assert says in plain.sentence({**ROW, **over}, "Tháng 11/2026", lang)


@pytest.mark.parametrize("start, end, label", [
    ("2026-11-01", "2026-11-30", "Tháng 11/2026"), ("2026-11-01", "2026-11-20", "Tháng 11/2026"),
    ("2026-10-01", "2026-12-31", "Quý IV/2026"), ("2026-07-01", "2026-08-15", "Quý III/2026"),
    ("2026-01-01", "2026-12-31", "Năm 2026"), ("2026-11-03", "2026-11-20", "Từ 03/11/2026 đến 20/11/2026"),
])
def test_periods_are_named_as_people_name_them(start, end, label):
    assert plain.period_label(start, end) == label


@pytest.mark.parametrize("extra, n, says", [
    (57, 40, "Cần thêm khoảng 57 ý kiến (nếu tỷ lệ giữ nguyên) để kết luận."),
    (480, 200, "Cần thêm khoảng 480 ý kiến"),
    (9572, 40, "Chưa thể kết luận với số ý kiến hiện có"),   # the alarming "9.572"
    (None, 40, "Chưa thể kết luận với số ý kiến hiện có"),   # never settles
    (1500, 1000, "Cần thêm khoảng 1.500 ý kiến"),           # a big commune: still within reach
])
def test_more_needed_is_said_usefully_when_it_is_huge(extra, n, says):
    assert says in plain.more_needed({"verdict": "uncertain", "more_needed": extra, "n": n})


def test_settled_verdicts_need_nothing_more():
    assert plain.more_needed({**ROW, "verdict": "met"}) is None


@pytest.fixture
def november(tablet, db, monkeypatch, rating_body):
    """Eleven ratings in November 2026: 8 satisfied, 3 not."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    db.execute("UPDATE kiosks SET enrolled_at = '2026-11-01T00:00:00.000Z'")
    for i, overall in enumerate([5, 5, 4, 4, 5, 4, 5, 4, 2, 1, 3]):
        body = rating_body(overall=overall, created_at=f"2026-11-{10 + i:02d}T09:00:00+07:00")
        assert tablet.post("/api/v1/responses", json=body).status_code == 201
    return db


def dashboard(client, **args):
    r = client.get("/admin/dashboard/", query_string={"from": "2026-11-01", "to": "2026-11-30", **args})
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_leader_reads_the_month_in_one_sentence_at_the_top(client, login, november):
    page = dashboard(login(client, "leader"))
    summary = re.search(r'data-testid="plain-summary">(.*?)</section>', page, re.S).group(1)
    assert ("Tháng 11/2026: 72,7% người dân hài lòng với việc giải quyết thủ tục (11 ý kiến) — "
            "chưa đủ ý kiến để kết luận so với chỉ tiêu 90%.") in summary
    assert page.index('data-testid="plain-summary"') < page.index('data-testid="indicators"')
    assert 'href="/cong-khai/"' in page  # the leader finds what citizens see


def test_the_target_marker_says_what_it_is_in_both_languages(client, login, november):
    for lang in ("vi", "en"):
        page = dashboard(login(client, "leader"), lang=lang)
        assert ">CT<" not in page
        assert ">≥90%<" in page
    assert "the red line the target" in page and "Month 11/2026: 72.7% of citizens" in page


def test_the_portal_style_figure_is_explained_and_the_huge_more_needed_is_not_shown(client, login, november):
    page = dashboard(login(client, "leader"))
    assert "Chỉ số kiểu Cổng DVC" not in page and "Chỉ số tính theo cách của Cổng Dịch vụ công" in page
    more = re.findall(r'data-testid="more-needed">([^<]*)<', page)
    assert more and all("Cần thêm khoảng" in m or "Chưa thể kết luận" in m for m in more)
