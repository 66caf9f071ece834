"""Questionnaires as plain dataclasses.

A questionnaire is data (a TOML file in ``questionnaires/``), never code: officials may
add a question without a programmer, and every stored response names the questionnaire
id and version it answered, so old answers stay readable after a file changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

QUESTION_TYPES = ("rating", "choice", "multi_choice", "yes_no", "text")

# The official labels, best first. Five levels as on government rating pages, three as
# on the national portal. "Satisfied" is the top two of five, the top two of three.
SCALES: dict[int, list[tuple[int, str, str]]] = {
    5: [
        (5, "Rất hài lòng", "Very satisfied"),
        (4, "Hài lòng", "Satisfied"),
        (3, "Bình thường", "Neutral"),
        (2, "Không hài lòng", "Dissatisfied"),
        (1, "Rất không hài lòng", "Very dissatisfied"),
    ],
    3: [
        (3, "Rất hài lòng", "Very satisfied"),
        (2, "Hài lòng", "Satisfied"),
        (1, "Không hài lòng", "Dissatisfied"),
    ],
}
YES_NO = [("yes", "Có", "Yes"), ("no", "Không", "No")]
TEXT_MAX = 2000
# Facts about the dossier a question may need (``asked_if``), known to the channel from the
# receipt, not asked: "result_returned" once the officer has marked the result returned.
FACTS = ("result_returned",)
_CONDITION = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z0-9_]+)\s*$")


def scale_label(scale: int, value: int, lang: str = "vi") -> str:
    """The official label of ``value`` on a 5- or 3-level scale."""
    for v, vi, en in SCALES[scale]:
        if v == value:
            return en if lang == "en" else vi
    return str(value)


def satisfied_values(scale: int) -> set[int]:
    """Ratings that count as satisfied: the top two levels of either scale."""
    return {scale, scale - 1}


@dataclass(frozen=True)
class Text:
    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text
    group: str | None = None  # procedure / officer / place / other, for low-rating reasons


@dataclass(frozen=True)
class Condition:
    """Ask a question only when another answer compares true, e.g. ``overall <= 3``."""

    question: str
    op: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Condition:
        m = _CONDITION.match(text)
        if not m:
            raise ValueError(f"cannot read condition {text!r}; write it like 'overall <= 3'")
        return cls(*m.groups())

    def holds(self, answers: dict) -> bool:
        """True when the condition is met by ``answers`` (False if that question is unanswered)."""
        got = answers.get(self.question)
        if got is None:
            return False
        if self.op in ("==", "!="):
            same = str(got) == self.value
            return same if self.op == "==" else not same
        try:
            a, b = float(got), float(self.value)
        except (TypeError, ValueError):
            return False
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[self.op]

    def __str__(self) -> str:
        return f"{self.question} {self.op} {self.value}"


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: Text
    scale: int | None = None
    choices: tuple[Choice, ...] = ()
    when: Condition | None = None
    required: bool = False
    quick: bool = False  # one of the counter's optional quick questions
    max_length: int = TEXT_MAX
    help: Text | None = None
    asked_if: str | None = None  # a fact about the dossier (one of FACTS) that must be true

    def options(self, lang: str = "vi") -> list[tuple[str, str]]:
        """(value, label) pairs to show, best first for ratings."""
        if self.type == "rating":
            return [(str(v), en if lang == "en" else vi) for v, vi, en in SCALES[self.scale]]
        if self.type == "yes_no":
            return [(v, en if lang == "en" else vi) for v, vi, en in YES_NO]
        return [(c.value, c.label.get(lang)) for c in self.choices]

    def label_of(self, value, lang: str = "vi") -> str:
        """Readable label of a stored answer value."""
        for v, label in self.options(lang):
            if v == str(value):
                return label
        return str(value)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    questions: tuple[Question, ...]
    overall: str = "overall"
    source: str = ""
    intro: Text | None = None
    by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.by_id.update({q.id: q for q in self.questions})

    def question(self, qid: str) -> Question | None:
        return self.by_id.get(qid)

    @property
    def overall_question(self) -> Question:
        return self.by_id[self.overall]

    @property
    def scale(self) -> int:
        return self.overall_question.scale

    def asked(self, answers: dict) -> list[Question]:
        """The questions a citizen with these answers so far should see, in order."""
        return [q for q in self.questions if q.when is None or q.when.holds(answers)]

    def to_client(self, lang_all=("vi", "en")) -> dict:
        """A JSON-able description for the tablet's script (both languages at once)."""
        return {
            "id": self.id,
            "version": self.version,
            "overall": self.overall,
            "questions": [
                {
                    "id": q.id,
                    "type": q.type,
                    "scale": q.scale,
                    "quick": q.quick,
                    "required": q.required,
                    "when": None if q.when is None else
                    {"question": q.when.question, "op": q.when.op, "value": q.when.value},
                    "max_length": q.max_length,
                    "text": {lang: q.text.get(lang) for lang in lang_all},
                    "options": [
                        {"value": v, "group": _group(q, v),
                         "label": {lang: dict(q.options(lang))[v] for lang in lang_all}}
                        for v, _ in q.options()
                    ],
                }
                for q in self.questions
            ],
        }


def _group(q: Question, value: str):
    for c in q.choices:
        if c.value == value:
            return c.group
    return None
