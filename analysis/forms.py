"""What analysis needs from the questionnaires: scales, labels and reason groups.

Read once per process from the shipped files (survey_forms is pure: no Flask), because
every summary needs them and the files only change with a new release.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def questionnaires() -> dict:
    """{questionnaire id: Questionnaire} of the shipped files."""
    import survey_forms

    return {name: survey_forms.load(name) for name in survey_forms.available()}


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
