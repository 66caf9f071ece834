"""The phone form in short screens (issue 13, point 9): at most five questions a screen with
"Bước k/n", conditional questions only once they apply (no JavaScript needed), "on time"
only once the result is back, one scale for every rating, answers kept on "Quay lại"."""
from __future__ import annotations

import re

import pytest

import survey_forms
from kiosk import store
from survey_forms.pages import pages
from tests.phone_helpers import hidden_and_step
from tests.receipt_helpers import issue, make_token, return_result


@pytest.fixture
def officer(db):
    return make_token(db, "officer")


@pytest.fixture
def code(client, officer):
    return issue(client, officer, procedure_code="1.001612", officer="Lê Văn Bình")["code"]


def shown(page: str) -> list[str]:
    return re.findall(r'data-testid="q-(\w+)"', page)


def step(page: str) -> str:
    return re.search(r'data-testid="step">([^<]+)<', page).group(1)


def press(client, code, page, button, **answers):
    """Tap ``button`` ("next", "back", "send") on ``page`` with these answers added."""
    data = hidden_and_step(page)
    data.update(answers)
    data["go"] = button
    return client.post(f"/r/{code}", data=data)


def test_a_citizen_goes_screen_by_screen_and_back_keeps_every_answer(client, db, code):
    first = client.get(f"/r/{code}").get_data(as_text=True)
    assert step(first) == "Bước 1/4" and shown(first) == ["overall"]
    second = press(client, code, first, "next", overall="2").get_data(as_text=True)
    assert step(second) == "Bước 2/4"
    assert shown(second) == ["reasons", "staff", "access", "service_result", "online_used"]
    third = press(client, code, second, "next", reasons=["papers", "other"], staff="4",
                  online_used="yes").get_data(as_text=True)
    assert step(third) == "Bước 3/4" and shown(third)[0] == "online_rating"
    # "Quay lại": the second screen again, as the citizen left it
    back = press(client, code, third, "back", online_rating="3").get_data(as_text=True)
    assert step(back) == "Bước 2/4"
    for value in ("papers", "other", "4", "yes"):
        assert re.search(rf'value="{value}"[^>]*checked|checked[^>]*value="{value}"', back), value
    assert '<input type="hidden" name="online_rating" value="3">' in back
    back = press(client, code, back, "back").get_data(as_text=True)
    assert step(back) == "Bước 1/4" and re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', back)
    assert store.count_responses(db) == 0  # nothing half-answered is stored
    # on again (a browser sends the answers chosen on the screen shown)
    page = press(client, code, back, "next", overall="2").get_data(as_text=True)
    page = press(client, code, page, "next", reasons=["papers", "other"], staff="4",
                 online_used="yes").get_data(as_text=True)
    page = press(client, code, page, "next", online_rating="3").get_data(as_text=True)
    assert step(page) == "Bước 4/4" and shown(page)[-1] == "comment" and 'data-testid="complaint"' in page
    r = press(client, code, page, "send", comment="Chờ lâu.")
    assert r.status_code == 302 and r.headers["Location"].endswith("/r/thanks")
    row = store.get_response(db, store.list_responses(db)[0]["id"])
    assert row["overall"] == 2 and row["questionnaire_version"] == 2 and row["comment"] == "Chờ lâu."
    assert row["answers"]["reasons"] == ["papers", "other"] and row["answers"]["online_rating"] == ["3"]


def test_reasons_are_asked_only_after_a_low_rating_without_any_script(client, code):
    first = client.get(f"/r/{code}").get_data(as_text=True)
    assert "<script" not in first
    happy = press(client, code, first, "next", overall="5").get_data(as_text=True)
    assert "reasons" not in shown(happy) and step(happy) == "Bước 2/4"
    assert "Chỉ trả lời nếu" not in happy


def test_the_online_rating_is_asked_only_after_yes(client, code):
    page = press(client, code, client.get(f"/r/{code}").get_data(as_text=True), "next", overall="5")
    third = press(client, code, page.get_data(as_text=True), "next", online_used="no").get_data(as_text=True)
    assert "online_rating" not in shown(third)


def walk(client, code, answers):
    page = client.get(f"/r/{code}").get_data(as_text=True)
    seen = []
    while 'data-testid="send"' not in page:
        seen += shown(page)
        page = press(client, code, page, "next", **answers).get_data(as_text=True)
    return seen + shown(page), page


def test_on_time_is_asked_only_once_the_result_is_returned(client, db, officer, code):
    seen, page = walk(client, code, {"overall": "4"})
    assert "on_time" not in seen
    # a forged answer to a question never shown is left out, not stored
    assert press(client, code, page, "send", on_time="no").status_code == 302
    assert "on_time" not in store.get_response(db, store.list_responses(db)[0]["id"])["answers"]
    later = issue(client, officer, procedure_code="1.001612")["code"]
    return_result(client, officer, later)
    seen, page = walk(client, later, {"overall": "4"})
    assert "on_time" in seen
    assert press(client, later, page, "send", on_time="yes").status_code == 302
    stored = [store.get_response(db, r["id"]) for r in store.list_responses(db)]
    assert [r["answers"].get("on_time") for r in stored if r["receipt"] == later] == [["yes"]]


def test_every_rating_on_the_phone_uses_the_five_official_levels(client, code):
    page = press(client, code, client.get(f"/r/{code}").get_data(as_text=True), "next", overall="1")
    page = press(client, code, page.get_data(as_text=True), "next", online_used="yes").get_data(as_text=True)
    online = page[page.index('data-testid="q-online_rating"'):]
    online = online[:online.index("</fieldset>")]
    assert re.findall(r"<span>([^<]+)</span>", online) == [
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng"]


@pytest.mark.parametrize("answers", [{}, {"overall": 5}, {"overall": 2, "online_used": "yes"}])
@pytest.mark.parametrize("returned", [False, True])
def test_screens_are_short_and_a_condition_is_always_on_an_earlier_screen(answers, returned):
    q = survey_forms.load("phone")
    for seen in (None, 0, 1, 2, 3):
        layout = pages(q, answers, {"result_returned": returned}, seen=seen)
        where = {x.id: i for i, page in enumerate(layout) for x in page}
        assert all(1 <= len(page) <= 5 for page in layout)
        for question in (x for page in layout for x in page if x.when):
            assert where[question.when.question] < where[question.id]
        assert ("on_time" in where) is returned


def test_a_happy_citizen_sends_from_the_first_screen(client, db, code):
    """Every question after the first may be skipped: "Gửi luôn" on any screen sends what
    was given, as the last screen's button does."""
    first = client.get(f"/r/{code}").get_data(as_text=True)
    assert 'data-testid="send-now"' in first and 'data-testid="back"' not in first
    r = press(client, code, first, "send", overall="5")
    assert r.status_code == 302 and r.headers["Location"].endswith("/r/thanks")
    row = store.get_response(db, store.list_responses(db)[0]["id"])
    assert row["overall"] == 5 and row["answers"] == {"overall": ["5"]}


def test_a_question_may_need_only_a_known_fact_about_the_dossier():
    text = (survey_forms.loader.HERE / "phone.toml").read_text(encoding="utf-8")
    broken = text.replace('asked_if = "result_returned"', 'asked_if = "sunny_day"')
    with pytest.raises(survey_forms.QuestionnaireError, match=r'on_time.*asked_if.*result_returned'):
        survey_forms.loads(broken, "phone.toml")


@pytest.mark.parametrize("go", ["stay", "", "SEND", "x" * 500])
def test_an_odd_button_value_shows_the_screen_again_and_sends_nothing(client, db, code, go):
    r = client.post(f"/r/{code}", data={"overall": "5", "step": "1", "go": go})
    assert r.status_code == 200 and step(r.get_data(as_text=True)) == "Bước 2/4"
    assert store.count_responses(db) == 0
