"""``build_form(questionnaire, lang)``: a Flask-WTF form class made from a questionnaire.

Flask-WTF is imported inside the function, so ``survey_forms`` stays importable (by
``analysis`` and scripts) without Flask. One field per question, named by question id:
ratings, choices and yes/no as radio buttons (nothing pre-selected, ever), multi-choice
as check boxes, text as a text area. Only the questionnaire's required questions are
required; everything else may be left empty.
"""
from __future__ import annotations

from .model import Questionnaire


def build_form(questionnaire: Questionnaire, lang: str = "vi"):
    """The FlaskForm subclass for ``questionnaire`` with labels in ``lang`` ("vi" or "en")."""
    from flask_wtf import FlaskForm
    from wtforms import RadioField, SelectMultipleField, TextAreaField, widgets
    from wtforms.validators import InputRequired, Length, Optional

    class CheckboxesField(SelectMultipleField):
        widget = widgets.ListWidget(prefix_label=False)
        option_widget = widgets.CheckboxInput()

    def choices(q):
        return choice_list(q.options(lang))

    required_message = "Vui lòng chọn một câu trả lời." if lang != "en" else "Please choose an answer."
    attrs = {}
    for q in questionnaire.questions:
        label = q.text.get(lang)
        checks = [InputRequired(message=required_message)] if q.required else [Optional()]
        if q.type in ("rating", "choice", "yes_no"):
            attrs[q.id] = RadioField(label, choices=choices(q), validators=checks, default=None)
        elif q.type == "multi_choice":
            attrs[q.id] = CheckboxesField(label, choices=choices(q), validators=[Optional()])
        elif q.type == "text":
            attrs[q.id] = TextAreaField(label, validators=[Optional(), Length(max=q.max_length)])
    attrs["questionnaire"] = questionnaire
    return type(f"{questionnaire.id.title()}Form", (FlaskForm,), attrs)


def choice_list(pairs):
    """(value, label) pairs as WTForms wants them: a list of ``SelectChoice`` (WTForms 3.3 and
    later; plain tuples are deprecated there and go in 3.4). Used for every SelectField and
    RadioField, at class level and when choices are set at run time."""
    from wtforms.fields.choices import SelectChoice
    return [SelectChoice(v, label) for v, label in pairs]


def answers_from_form(questionnaire: Questionnaire, form) -> tuple[object, dict, str | None]:
    """(overall, answers, comment) from a validated form, in the shape ``clean_answers``
    takes. Answers to questions whose condition does not hold for the other answers (e.g.
    reasons picked, then a good overall rating) are dropped, not refused."""
    overall = None
    answers: dict = {}
    comment = None
    for q in questionnaire.questions:
        data = form[q.id].data
        if data in (None, "", []):
            continue
        if q.type == "rating":
            try:
                data = int(data)
            except (TypeError, ValueError):
                continue
        if q.id == questionnaire.overall:
            overall = data
        elif q.type == "text" and q.id == "comment":
            comment = data.strip() or None
        else:
            answers[q.id] = data
    known = dict(answers, **{questionnaire.overall: overall})
    for q in questionnaire.questions:
        if q.id in answers and q.when is not None and not q.when.holds(known):
            del answers[q.id]
            known.pop(q.id, None)
    return overall, answers, comment
