"""Check a citizen's answers against the questionnaire they answered.

Pure functions: the API, the phone form and the tests share them, so every channel
accepts and refuses exactly the same things.
"""
from __future__ import annotations

from .model import SCALES, Questionnaire


def clean_answers(q: Questionnaire, overall, answers) -> tuple[dict, dict]:
    """Validate ``overall`` and ``answers``; return (clean answers, errors by field).

    Clean values: ratings as int, choice and yes/no as str, multi-choice as a sorted,
    de-duplicated list, text stripped. Unknown questions, values off the scale, wrong
    types, over-long text and questions that were not asked for this rating are errors.
    """
    errors: dict[str, str] = {}
    clean: dict = {}
    scale_values = {v for v, _, _ in SCALES[q.scale]}
    if isinstance(overall, bool) or not isinstance(overall, int) or overall not in scale_values:
        errors["overall"] = f"must be a whole number from 1 to {q.scale}"
    else:
        clean[q.overall] = overall
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        errors["answers"] = "must be an object of question id → answer"
        return clean, errors
    for qid, value in answers.items():
        key = f"answers.{qid}"
        question = q.question(qid)
        if question is None:
            errors[key] = f"unknown question for questionnaire {q.id} v{q.version}"
            continue
        if qid == q.overall:
            if value != overall:
                errors[key] = "the main rating goes in 'overall'"
            continue
        if value is None:
            continue  # skipped
        ok, result = _check(question, value)
        if not ok:
            errors[key] = result
        else:
            clean[qid] = result
    if not errors:
        for qid in list(clean):
            question = q.question(qid)
            if question.when is not None and not question.when.holds(clean):
                errors[f"answers.{qid}"] = f"not asked unless {question.when}"
    return clean, errors


def _check(question, value):
    t = question.type
    if t == "rating":
        allowed = {v for v, _, _ in SCALES[question.scale]}
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            return False, f"must be a whole number from 1 to {question.scale}"
        return True, value
    if t == "yes_no":
        if value is True or value == "yes":
            return True, "yes"
        if value is False or value == "no":
            return True, "no"
        return False, "must be 'yes' or 'no'"
    if t == "choice":
        allowed = [c.value for c in question.choices]
        if not isinstance(value, str) or value not in allowed:
            return False, f"must be one of {', '.join(allowed)}"
        return True, value
    if t == "multi_choice":
        allowed = [c.value for c in question.choices]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return False, "must be a list of choices"
        bad = [v for v in value if v not in allowed]
        if bad:
            return False, f"unknown choice(s) {', '.join(bad[:5])}; allowed: {', '.join(allowed)}"
        return True, [v for v in allowed if v in value]
    if t == "text":
        if not isinstance(value, str):
            return False, "must be text"
        if len(value) > question.max_length:
            return False, f"is too long ({len(value)} characters; at most {question.max_length})"
        return True, value.strip()
    return False, "unsupported question type"
