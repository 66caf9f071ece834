"""The versioned targets file: which questions feed each indicator, what counts as
satisfied, and the target it is judged against.

Targets are data, not code, because the resolution's figures and our question mapping
will change; a bad file is refused with the field named, so an official can fix it.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "targets.toml"
SOURCES = ("answers", "complaints")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TargetsError(ValueError):
    """A targets file that cannot be used, naming the bad field."""


@dataclass(frozen=True)
class Indicator:
    id: str
    name_vi: str
    name_en: str
    target: float
    questions: tuple[str, ...] = ()
    satisfied: str | tuple[str, ...] = "top2"  # "top2" or explicit answer values
    target_2030: float | None = None
    target_year: int | None = None
    source: str = "answers"


@dataclass(frozen=True)
class Targets:
    version: int
    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


def load_targets(path=DEFAULT_PATH) -> Targets:
    """Read and validate a targets file (default: the one shipped with the package)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetsError(f"{path}: cannot read ({exc.strerror})") from None
    return loads_targets(text, path.name)


def loads_targets(text: str, filename: str = "<targets>") -> Targets:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{filename}: {exc}") from None

    def fail(where: str, message: str):
        raise TargetsError(f"{filename}: {where}: {message}")

    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        fail("version", "must be a whole number from 1")
    raw_list = data.get("indicators")
    if not isinstance(raw_list, list) or not raw_list:
        fail("indicators", "needs at least one [[indicators]] entry")
    seen, built = set(), []
    for i, raw in enumerate(raw_list):
        built.append(_indicator(raw, f"indicators[{i}]", seen, fail))
        seen.add(built[-1].id)
    return Targets(version, tuple(built))


def _share(raw, key, where, fail, required):
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        fail(f"{where}.{key}", "must be a share between 0 and 1 (e.g. 0.9 for 90%)")
    return float(value)


def _indicator(raw, where, seen, fail) -> Indicator:
    if not isinstance(raw, dict):
        fail(where, "must be a table ([[indicators]])")
    allowed = {"id", "name_vi", "name_en", "questions", "satisfied", "target", "target_2030",
               "target_year", "source"}
    unknown = set(raw) - allowed
    if unknown:
        fail(where, f"unknown field(s) {sorted(unknown)}")
    iid = raw.get("id")
    if not isinstance(iid, str) or not _ID.match(iid):
        fail(f"{where}.id", "must be lower-case letters, digits and _")
    where = f'{where} (id "{iid}")'
    if iid in seen:
        fail(f"{where}.id", "is used twice")
    for key in ("name_vi", "name_en"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            fail(f"{where}.{key}", "needs a name")
    source = raw.get("source", "answers")
    if source not in SOURCES:
        fail(f"{where}.source", f"must be one of {', '.join(SOURCES)}")
    questions = raw.get("questions", [])
    if source == "answers":
        if (not isinstance(questions, list) or not questions
                or not all(isinstance(q, str) and _ID.match(q) for q in questions)):
            fail(f"{where}.questions", "needs a list of question ids, e.g. [\"overall\"]")
        if len(set(questions)) != len(questions):
            fail(f"{where}.questions", "lists a question twice")
        if "overall" in questions and len(questions) > 1:
            fail(f"{where}.questions", "\"overall\" (the main rating) must stand alone")
    elif questions:
        fail(f"{where}.questions", "a complaints indicator reads the complaints table, not questions")
    satisfied = raw.get("satisfied", "top2")
    if isinstance(satisfied, list):
        if not satisfied or not all(isinstance(v, str) and v for v in satisfied):
            fail(f"{where}.satisfied", "must be \"top2\" or a list of answer values, e.g. [\"no\"]")
        satisfied = tuple(satisfied)
    elif satisfied != "top2":
        fail(f"{where}.satisfied", "must be \"top2\" or a list of answer values, e.g. [\"no\"]")
    year = raw.get("target_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100):
        fail(f"{where}.target_year", "must be a year such as 2025")
    return Indicator(
        id=iid, name_vi=raw["name_vi"].strip(), name_en=raw["name_en"].strip(),
        target=_share(raw, "target", where, fail, True), questions=tuple(questions),
        satisfied=satisfied, target_2030=_share(raw, "target_2030", where, fail, False),
        target_year=year, source=source,
    )
