"""Load questionnaire files and say precisely what is wrong with a bad one.

Errors name the file, the field path and, where it can be found, the line, e.g.
``counter.toml line 42: questions[3] (id "visits"): type 'choise' is not one of ...``
so an official editing a file can fix it without reading Python.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .model import FACTS, QUESTION_TYPES, TEXT_MAX, Choice, Condition, Question, Questionnaire, Text
from .vocabulary import TOPICS

HERE = Path(__file__).parent / "questionnaires"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used, with where and why."""


def available(folder: Path = HERE) -> list[str]:
    """Ids of the questionnaire files shipped in ``folder``."""
    return sorted(p.stem for p in folder.glob("*.toml"))


def past(folder: Path = HERE / "past") -> list[Questionnaire]:
    """Earlier versions of the shipped questionnaires (``past/phone-v1.toml``), kept so that
    answers stored under them are still read on their own scale and with their own labels.
    Never offered to citizens."""
    return [load(p) for p in sorted(folder.glob("*.toml"))]


def load(name_or_path, folder: Path = HERE) -> Questionnaire:
    """Load and validate a questionnaire by id (``"counter"``) or by file path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = folder / f"{name_or_path}.toml"
    if not path.exists():
        raise QuestionnaireError(f"{path.name}: no such questionnaire file ({path})")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise QuestionnaireError(f"{path.name} line {line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                                 "cannot be read); save the file as UTF-8") from None
    return loads(text, path.name)


def loads(text: str, filename: str = "<questionnaire>") -> Questionnaire:
    """Parse and validate questionnaire TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{filename}: {exc}") from None
    return _Builder(text, filename).build(data)


class _Builder:
    def __init__(self, text: str, filename: str):
        self.lines = text.splitlines()
        self.filename = filename

    def fail(self, where: str, message: str, qid: str | None = None):
        line = self._line_of(qid, where.rsplit(".", 1)[-1] if "." in where else None) if qid else None
        at = f" line {line}" if line else ""
        raise QuestionnaireError(f"{self.filename}{at}: {where}: {message}")

    def _line_of(self, qid: str, field: str | None = None) -> int | None:
        """The line of question ``qid``'s ``field`` (or of its id when the field isn't written)."""
        pattern = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(qid) + r'["\']')
        field_pattern = re.compile(r"^\s*" + re.escape(field) + r"\s*[=.]") if field else None
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                if field_pattern:
                    for offset, later in enumerate(self.lines[number:], number + 1):
                        if later.strip().startswith("[[questions]]"):
                            break
                        if field_pattern.match(later):
                            return offset
                return number
        return None

    def text(self, value, where, qid=None, required=True) -> Text | None:
        if value is None and not required:
            return None
        if isinstance(value, str):
            self.fail(where, "needs both languages, e.g. text.vi = \"…\" and text.en = \"…\"", qid)
        if not isinstance(value, dict) or not isinstance(value.get("vi"), str) or not value["vi"].strip():
            self.fail(where, "needs a Vietnamese text (vi)", qid)
        en = value.get("en", "")
        if not isinstance(en, str):
            self.fail(where + ".en", "must be text", qid)
        unknown = set(value) - {"vi", "en"}
        if unknown:
            self.fail(where, f"unknown language(s) {sorted(unknown)}; use vi and en", qid)
        return Text(value["vi"].strip(), en.strip())

    def build(self, data: dict) -> Questionnaire:
        for key in ("id", "version", "title", "questions"):
            if key not in data:
                self.fail(key, "is missing")
        if not isinstance(data["id"], str) or not _ID.match(data["id"]):
            self.fail("id", "must be lower-case letters, digits and _ (e.g. 'counter')")
        if not isinstance(data["version"], int) or isinstance(data["version"], bool) or data["version"] < 1:
            self.fail("version", "must be a whole number from 1")
        unknown = set(data) - {"id", "version", "title", "questions", "overall", "intro"}
        if unknown:
            self.fail(", ".join(sorted(unknown)), "unknown field(s)")
        if not isinstance(data["questions"], list) or not data["questions"]:
            self.fail("questions", "needs at least one [[questions]] entry")
        questions, seen = [], set()
        for i, raw in enumerate(data["questions"]):
            q = self.question(raw, f"questions[{i}]", seen)
            seen.add(q.id)
            questions.append(q)
        overall = data.get("overall", "overall")
        by_id = {q.id: q for q in questions}
        if overall not in by_id or by_id[overall].type != "rating":
            self.fail("overall", f"must name a rating question; {overall!r} is not one")
        if by_id[overall].when is not None:
            self.fail("overall", "the main rating is always asked; it cannot have 'when'", overall)
        quick = [q.id for q in questions if q.quick]
        if len(quick) > 3:
            self.fail("questions", f"at most three quick questions; found {len(quick)}: {quick}")
        return Questionnaire(
            id=data["id"], version=data["version"],
            title=self.text(data["title"], "title"),
            intro=self.text(data.get("intro"), "intro", required=False),
            questions=tuple(questions), overall=overall, source=self.filename,
        )

    def question(self, raw, where, seen) -> Question:
        if not isinstance(raw, dict):
            self.fail(where, "must be a table ([[questions]])")
        qid = raw.get("id")
        if not isinstance(qid, str) or not _ID.match(qid):
            self.fail(where + ".id", "must be lower-case letters, digits and _")
        where = f'{where} (id "{qid}")'
        if qid in seen:
            self.fail(where, "this id is used twice", qid)
        allowed = {"id", "type", "text", "scale", "choices", "when", "required", "quick",
                   "max_length", "help", "asked_if"}
        unknown = set(raw) - allowed
        if unknown:
            self.fail(where, f"unknown field(s) {sorted(unknown)}", qid)
        qtype = raw.get("type")
        if qtype not in QUESTION_TYPES:
            self.fail(where + ".type", f"{qtype!r} is not one of {', '.join(QUESTION_TYPES)}", qid)
        scale = raw.get("scale")
        if qtype == "rating":
            if scale not in (3, 5):
                self.fail(where + ".scale", "a rating needs scale = 5 or scale = 3", qid)
        elif scale is not None:
            self.fail(where + ".scale", "only rating questions have a scale", qid)
        choices = ()
        if qtype in ("choice", "multi_choice"):
            raw_choices = raw.get("choices")
            if not isinstance(raw_choices, list) or len(raw_choices) < 2:
                self.fail(where + ".choices", "needs at least two [[questions.choices]]", qid)
            values = set()
            built = []
            for j, c in enumerate(raw_choices):
                cw = f"{where}.choices[{j}]"
                if not isinstance(c, dict) or not isinstance(c.get("value"), str) or not _ID.match(c["value"]):
                    self.fail(cw + ".value", "must be lower-case letters, digits and _", qid)
                if c["value"] in values:
                    self.fail(cw + ".value", f"{c['value']!r} is used twice", qid)
                values.add(c["value"])
                group = c.get("group")
                if group is not None and group not in TOPICS:
                    self.fail(cw + ".group", f"must be one of {', '.join(TOPICS)}", qid)
                built.append(Choice(c["value"], self.text(c.get("label"), cw + ".label", qid), group))
            choices = tuple(built)
        elif "choices" in raw:
            self.fail(where + ".choices", f"a {qtype} question has no choices", qid)
        when = None
        if "when" in raw:
            try:
                when = Condition.parse(str(raw["when"]))
            except ValueError as exc:
                self.fail(where + ".when", str(exc), qid)
            if when.question not in seen:
                self.fail(where + ".when", f"refers to {when.question!r}, which is not an earlier question", qid)
        asked_if = raw.get("asked_if")
        if asked_if is not None and asked_if not in FACTS:
            self.fail(where + ".asked_if", f"{asked_if!r} is not one of {', '.join(FACTS)}", qid)
        max_length = raw.get("max_length", TEXT_MAX)
        if not isinstance(max_length, int) or not 1 <= max_length <= TEXT_MAX:
            self.fail(where + ".max_length", f"must be 1..{TEXT_MAX}", qid)
        for flag in ("required", "quick"):
            if not isinstance(raw.get(flag, False), bool):
                self.fail(f"{where}.{flag}", "must be true or false", qid)
        return Question(
            id=qid, type=qtype, text=self.text(raw.get("text"), where + ".text", qid),
            scale=scale, choices=choices, when=when, required=raw.get("required", False),
            quick=raw.get("quick", False), max_length=max_length,
            help=self.text(raw.get("help"), where + ".help", qid, required=False), asked_if=asked_if,
        )
