"""What analysis needs from the questionnaires: scales, labels and reason groups.

Read once per process from the shipped files (survey_forms is pure: no Flask), because
every summary needs them and the files only change with a new release.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def questionnaires() -> dict:
    """{questionnaire id: Questionnaire} of the shipped files and their past versions (keyed
    ``phone-v1``), so that a question retired with its scale (phone v1's 3-level
    "online_satisfaction") is still read on that scale and with its labels. Past versions
    come first: the exports' columns keep their places and a new question is appended."""
    import survey_forms
    from survey_forms.loader import past

    current = {name: survey_forms.load(name) for name in survey_forms.available()}
    return {**{f"{q.id}-v{q.version}": q for q in past()}, **current}


@lru_cache(maxsize=1)
def retired_questions() -> frozenset[str]:
    """Ids asked only by past versions (phone v1's "online_satisfaction"), so that a column of
    old answers is not mistaken for the current question with the same wording."""
    import survey_forms

    current = {x.id for name in survey_forms.available() for x in questionnaires()[name].questions}
    return frozenset({x.id for form in questionnaires().values() for x in form.questions} - current)


@lru_cache(maxsize=32)
def asked_together(question_ids: tuple[str, ...]) -> bool:
    """True when some questionnaire (current or past) asks two or more of ``question_ids``.
    Answers are checked against their own questionnaire before they are stored, so when no
    questionnaire asks two of them no response can answer two, and an indicator fed by them
    is the plain sum of each question's counts (read from the rollups) instead of the
    first-answered query over every answer row (most of the summary's time over 1M rows)."""
    wanted = set(question_ids)
    return any(len(wanted & {x.id for x in form.questions}) > 1 for form in questionnaires().values())


@lru_cache(maxsize=1)
def question_scales() -> dict[str, int]:
    """{question id: scale} of the rating questions (the questionnaires share ids; the
    first file to define a question wins)."""
    scales: dict[str, int] = {}
    for form in questionnaires().values():
        for q in form.questions:
            if q.type == "rating":
                scales.setdefault(q.id, q.scale)
    return scales


@lru_cache(maxsize=1)
def reason_choices() -> tuple[dict, dict]:
    """({value: (label_vi, label_en)}, {value: group}) of the low-rating reasons question."""
    labels, groups = {}, {}
    for form in questionnaires().values():
        q = form.question("reasons")
        for c in q.choices if q else ():
            labels.setdefault(c.value, (c.label.vi, c.label.en))
            groups.setdefault(c.value, c.group or "other")
    return labels, groups
