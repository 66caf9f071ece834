"""The one place a cell is made safe for a spreadsheet: CSV text and Excel cells alike.

A citizen's comment, an officer's name or a procedure name is data, never a formula. Three
copies of this rule drifted apart (the Excel one caught only "=", none looked past the
first character), so every writer of CSV or XLSX, the reports and the catalogue, calls
these functions.

- ``neutralise`` (CSV): a single quote before every formula start (= + - @ tab CR), at the
  start of the text *and* right after each ``;`` ``,`` tab or line break inside it, with
  any spaces or double quotes in between. A file opened with ``;`` or tab as the separator
  (LibreOffice offers both; Excel does in many locales) splits ``Tốt;=1+1`` into two cells,
  and LibreOffice evaluates a field ``"=1+1"`` too, so the first character is not enough.
  Quotes already there are doubled up by one, so ``unneutralise`` gives back the exact text.
- ``to_sheet`` (XLSX): text is stored as a string cell, never a formula or an error value,
  whatever it starts with; nothing is prefixed, the workbook shows the text as written.
- ``clean``: characters a workbook's XML cannot hold (C0 controls other than tab, line
  feed and carriage return; lone surrogates; U+FFFE/U+FFFF) are dropped, so one odd
  comment in a database edited by hand cannot break the download of a whole period.

Numbers, dates and None pass through unchanged: numbers stay numbers.
"""
from __future__ import annotations

import re

FORMULA_START = "=+-@\t\r"
# Where a spreadsheet may start a new cell when it guesses the separator.
_BOUNDARY = r"(?:^|(?<=[;,\t\r\n]))"
_DANGER = re.compile(_BOUNDARY + r"[ \"]*(?='*[=+\-@\t\r])")
_ESCAPED = re.compile(_BOUNDARY + r"([ \"]*)'(?='*[=+\-@\t\r])")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value):
    """Text without the characters XML 1.0 forbids; anything else unchanged."""
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub("", value)
    return value


def neutralise(value):
    """A CSV cell: text cleaned, with a single quote before each formula start (at the
    start and after ``;`` ``,`` tab or a line break); numbers and None unchanged."""
    if not isinstance(value, str):
        return value
    if "=" not in value and "+" not in value and "-" not in value and "@" not in value \
            and "\t" not in value and "\r" not in value:
        return clean(value)  # no formula start anywhere (most cells): nothing to prefix
    return _DANGER.sub(lambda m: m.group(0) + "'", clean(value))


def unneutralise(text) -> str:
    """Undo ``neutralise`` (for imports of our own exports, or of files written the same
    way by hand): ``'=1+1`` → ``=1+1``, ``Tốt;'=1+1`` → ``Tốt;=1+1``. None → ''."""
    if text is None:
        return ""
    return _ESCAPED.sub(r"\1", str(text))


def is_plain(text: str) -> bool:
    """True when openpyxl would store ``text`` as that very string: it starts with neither
    "=" (a formula) nor "#" (an error value such as #N/A) and holds nothing ``clean`` drops.
    The fast path: a raw sheet of a million rows need not build a cell per value."""
    return not text.startswith(("=", "#")) and not _ILLEGAL.search(text)


def to_sheet(cell, value):
    """Put ``value`` in an openpyxl cell (write-only or not) as data: text cleaned and typed
    as a string, so openpyxl never stores it as a formula (``=…``) or an error (``#N/A``)."""
    if isinstance(value, str):
        cell.value = clean(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell
