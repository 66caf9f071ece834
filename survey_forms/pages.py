"""A long questionnaire cut into short screens ("Bước 2/4") for the citizen's phone.

Pure and deterministic, so the phone form works the same with or without JavaScript:
- at most ``per_page`` questions on one screen (the free-text comment counts as one);
- a conditional question never shares a screen with the question it depends on, so by the
  time it would be shown its condition is known and the server shows it only when it
  applies (no "Chỉ trả lời nếu…" for the citizen to read);
- a question that needs a fact about the dossier (``asked_if = "result_returned"``) is left
  out when that fact is not true (e.g. "was the result on time?" before the result is back).

Screens are built from the answers given so far: screen ``k`` depends only on the answers of
screens before it, so the number of the screen a citizen is on never shifts under them. A
later screen whose questions may or may not apply is counted as possible (the total can only
fall as answers come in).
"""
from __future__ import annotations

from .model import Question, Questionnaire

PER_PAGE = 5


def pages(q: Questionnaire, answers: dict, facts: dict, seen: int | None = None,
          per_page: int = PER_PAGE) -> list[list[Question]]:
    """The screens, each a list of questions. ``seen``: the index of the screen the citizen
    is on (the answers of the screens before it are final, an empty one means skipped); a
    question on a later screen whose condition depends on an unanswered question of this or
    a later screen is counted as possible. ``None`` means all answers are final (at sending)."""
    out: list[list[Question]] = [[]]
    page_of: dict[str, int] = {}
    for question in q.questions:
        if question.asked_if is not None and not facts.get(question.asked_if):
            continue
        current = out[-1]
        depends_here = question.when is not None and question.when.question in {x.id for x in current}
        if current and (len(current) >= per_page or depends_here):
            out.append([])
        cond = question.when
        if cond is not None:
            known = (seen is None or answers.get(cond.question) is not None
                     or page_of.get(cond.question, -1) < seen)
            if known and not cond.holds(answers):
                continue
        page_of[question.id] = len(out) - 1
        out[-1].append(question)
    return [page for page in out if page]
