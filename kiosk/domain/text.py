"""The one normaliser for text that comes in: API bodies, form fields, query arguments,
catalogue imports (CSV/XLSX), the command line, names of tablets and counters.

Vietnamese can be typed composed (NFC: "ờ" one code point) or decomposed (NFD: "o" plus
two combining marks); both look the same, so without this one officer, one counter or one
commune becomes two rows of a report, and a tablet at an NFD "Quầy 2" never hears of a
dossier returned at an NFC "Quầy 2". Everything is therefore NFC, and control characters
(which break Excel downloads and hide text) are dropped: newline and tab stay in free text
(comments, complaints), and a single-line value (a name) has its whitespace collapsed.
Lone surrogates (only JSON's ``"\\ud800"`` can make them) are not text at all: ``has_surrogate``
finds them so that the API refuses the body with 400 rather than fail deep inside.
"""
from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls, DEL, and the invisible format characters that hide or reorder text
# (zero-width space, LRM/RLM, bidi embeddings and isolates, BOM). Zero-width (non-)joiners
# stay: emoji sequences need them. Tab and newline are handled apart (free text keeps lines).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_DEPTH = 20  # a response body is three levels deep; nothing honest nests further


def clean(value: str, *, multiline: bool = True) -> str:
    """NFC, without control characters. ``multiline``: keep newline and tab (CRLF and CR
    become newline); otherwise every run of whitespace becomes one space and the ends go."""
    value = _SURROGATE.sub("\ufffd", value)  # never reaches here from the API (refused first)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = unicodedata.normalize("NFC", _CONTROLS.sub("", value))
    if multiline:
        return value
    return " ".join(value.split())


def line(value: str | None) -> str:
    """A single-line value (a name, a counter, a code): cleaned, whitespace collapsed."""
    return clean(value or "", multiline=False)


def deep_clean(value):
    """``value`` (parsed JSON) with every string, key or value, cleaned (free text keeps its
    lines; the intake collapses what must be one line). Numbers, booleans and None unchanged."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): deep_clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_clean(v) for v in value]
    return value


def json_problem(value) -> str | None:
    """Why parsed JSON cannot be taken, or None: nested deeper than ``MAX_DEPTH``, or a string
    holding a lone surrogate (not encodable as UTF-8). Walks without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return None


def has_surrogate(value: str) -> bool:
    return bool(_SURROGATE.search(value))
