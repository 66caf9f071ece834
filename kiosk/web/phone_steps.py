"""The phone form's screens: which questions this screen shows, which answers ride along
hidden, and where "Tiếp tục", "Quay lại" and "Gửi đánh giá" lead.

Stateless on purpose: every answer travels in the form itself (hidden fields for the
screens not shown), so nothing half-answered is stored anywhere, going back keeps every
answer, and it all works without JavaScript. The cutting into screens is
``survey_forms.pages`` (conditions known before a conditional question is shown).
"""
from __future__ import annotations

from dataclasses import dataclass

from survey_forms.pages import pages

# The "Phản ánh, kiến nghị" part travels with the comment's screen.
COMPLAINT_FIELDS = ("want_reply", "cx_kind", "cx_topic", "cx_phone", "cx_consent")
COMMENT = "comment"


def facts(receipt: dict) -> dict:
    """What the receipt tells about the dossier: the result is back once it was marked
    returned at a counter ("Trả kết quả")."""
    return {"result_returned": bool(receipt.get("returned_at"))}


def given(q, form) -> dict:
    """The answers on the form so far, by question id (ratings as numbers), unchecked."""
    out = {}
    for question in q.questions:
        data = form[question.id].data
        if data in (None, "", []):
            continue
        if question.type == "rating":
            try:
                data = int(data)
            except (TypeError, ValueError):
                continue
        out[question.id] = data
    return out


@dataclass
class Screen:
    """One screen of the form: its questions, its place, and the fields carried hidden."""

    questions: list
    index: int
    total: int
    first_number: int  # the number shown before its first question ("4.")
    hidden: list  # (name, value) pairs of the answers on other screens

    @property
    def last(self) -> bool:
        return self.index == self.total - 1

    @property
    def with_complaint(self) -> bool:
        return any(x.id == COMMENT for x in self.questions)


def screen(q, form, receipt: dict, index: int) -> Screen:
    """Screen ``index`` (clamped to the screens there are) for the answers on ``form``."""
    layout = pages(q, given(q, form), facts(receipt), seen=max(index, 0))
    index = min(max(index, 0), len(layout) - 1)
    shown = {x.id for x in layout[index]}
    if COMMENT in shown:
        shown.update(COMPLAINT_FIELDS)
    hidden = []
    for name in [x.id for x in q.questions] + list(COMPLAINT_FIELDS):
        if name in shown:
            continue
        data = form[name].data
        if data is True:
            hidden.append((name, "y"))
        elif isinstance(data, list):
            hidden += [(name, v) for v in data]
        elif data not in (None, "", False):
            hidden.append((name, str(data)))
    return Screen(layout[index], index, len(layout), sum(len(p) for p in layout[:index]) + 1, hidden)


def screen_of(q, form, receipt: dict, names) -> int | None:
    """The index of the first screen showing one of the fields ``names`` (errors there)."""
    names = set(names)
    if names & set(COMPLAINT_FIELDS):
        names.add(COMMENT)
    layout = pages(q, given(q, form), facts(receipt))
    for i, page in enumerate(layout):
        if names & {x.id for x in page}:
            return i
    return None


def not_asked(q, form, receipt: dict) -> set[str]:
    """Questions that were never on any screen for this citizen (a fact did not hold, or a
    condition): their answers are left out when sending, not refused."""
    asked = {x.id for page in pages(q, given(q, form), facts(receipt)) for x in page}
    return {x.id for x in q.questions} - asked
