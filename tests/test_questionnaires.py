"""Questionnaire files: the shipped ones load, and a broken one says where and why."""
import pytest

import survey_forms
from survey_forms import QuestionnaireError, clean_answers, loads
from survey_forms.loader import past

GOOD = '''
id = "mini"
version = 2
title.vi = "Thử"
title.en = "Try"

[[questions]]
id = "overall"
type = "rating"
scale = 3
text.vi = "Ông/Bà hài lòng không?"
text.en = "Are you satisfied?"

[[questions]]
id = "why"
type = "choice"
when = "overall <= 1"
text.vi = "Vì sao?"
text.en = "Why?"
  [[questions.choices]]
  value = "slow"
  label.vi = "Chậm"
  label.en = "Slow"
  [[questions.choices]]
  value = "rude"
  label.vi = "Thiếu lịch sự"
  label.en = "Rude"
'''


def test_shipped_questionnaires_load_with_both_languages():
    assert survey_forms.available() == ["counter", "phone"]
    for name in survey_forms.available():
        q = survey_forms.load(name)
        assert q.version >= 1 and q.overall_question.required
        assert all(question.text.vi and question.text.en for question in q.questions)
    counter = survey_forms.load("counter")
    assert counter.scale == 5 and len([q for q in counter.questions if q.quick]) == 3
    reasons = counter.question("reasons")
    assert {c.group for c in reasons.choices} == {"procedure", "officer", "place", "other"}
    phone = survey_forms.load("phone")
    assert {q.scale for q in phone.questions if q.type == "rating"} == {5}  # one scale for all its ratings
    (v1,) = [q for q in past() if q.id == "phone"]  # kept to read answers stored under it
    assert v1.version == 1 < phone.version and v1.question("online_satisfaction").scale == 3
    assert phone.question("online_satisfaction") is None  # a new id for the question on a new scale


def test_a_three_level_questionnaire_loads_and_validates():
    q = loads(GOOD)
    assert q.scale == 3 and q.version == 2
    assert clean_answers(q, 1, {"why": "slow"}) == ({"overall": 1, "why": "slow"}, {})
    _, errors = clean_answers(q, 3, {"why": "slow"})
    assert "answers.why" in errors
    _, errors = clean_answers(q, 5, {})
    assert "overall" in errors


@pytest.mark.parametrize("change, message", [
    (('type = "choice"', 'type = "choise"'), 'line 16: questions[1] (id "why").type'),
    (("scale = 3", "scale = 4"), 'line 10: questions[0] (id "overall").scale'),
    (('when = "overall <= 1"', 'when = "later == 1"'), "not an earlier question"),
    (('when = "overall <= 1"', 'when = "overall is bad"'), "cannot read condition"),
    (('value = "rude"', 'value = "slow"'), "is used twice"),
    (('text.vi = "Vì sao?"', ''), 'questions[1] (id "why").text'),
    (("version = 2", "version = 0"), "version: must be a whole number"),
    (('id = "why"', 'id = "overall"'), "used twice"),
    (('title.en = "Try"', 'title.en = "Try"\ncolour = "blue"'), "colour: unknown field"),
])
def test_a_broken_file_names_the_line_and_field(change, message):
    old, new = change
    with pytest.raises(QuestionnaireError) as exc:
        loads(GOOD.replace(old, new, 1), "mini.toml")
    assert message in str(exc.value) and str(exc.value).startswith("mini.toml")


def test_a_toml_syntax_error_names_the_line():
    with pytest.raises(QuestionnaireError, match=r"mini.toml: .*line 3"):
        loads('id = "mini"\nversion = 1\ntitle = "unfinished\nx = 1\n', "mini.toml")
