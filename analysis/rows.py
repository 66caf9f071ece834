"""Raw responses, one row per response, streamed: for the CSV and the Excel raw sheet.

A million responses must not sit in memory, so rows are read in chunks, each with its
answers gathered by SQLite through the answers(response_id) index.

Two audiences (``AUDIENCES``):

- ``people`` (the default download): Vietnamese headings, each question headed by its own
  text, answers as the questionnaire's labels, times in Vietnam (Asia/Ho_Chi_Minh, as a
  date/time value, ISO-ordered so no spreadsheet reads 05/11 as May), flags, channels and
  yes/no columns in Vietnamese words.
- ``systems`` (``?for=systems``): column ids, stored codes (answer values, the overall
  rating as a number, flag names), times in UTC ISO 8601, as stable input for programs.
"""
from __future__ import annotations

import json
import queue
import sqlite3
import threading
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter

from survey_forms import scale_label, vocabulary

from . import connection, queries
from .forms import questionnaires, retired_questions

AUDIENCES = ("people", "systems")
CHANNELS_VI = {"kiosk": "Máy tính bảng tại quầy", "phone": "Điện thoại (mã QR)"}

CHUNK = 500  # rows read at a time (as one JSON text of ~0.4 MB; 1,000 held ~4 MB more of a server's peak)
FIXED = ("id", "local_date", "rated_at", "channel", "questionnaire", "questionnaire_version",
         "complete", "flags", "demo", "kiosk", "counter", "receipt", "dossier_code",
         "procedure_code", "field", "officer", "duration_ms", "seq", "hash", "imported_from")
ID, QUESTIONNAIRE, SEQ = (FIXED.index(c) for c in ("id", "questionnaire", "seq"))  # read while streaming
_BY_SEQ = itemgetter(SEQ)
HEADERS_VI = {
    "id": "Mã phiếu", "local_date": "Ngày", "rated_at": "Thời điểm (giờ Việt Nam)", "channel": "Kênh",
    "questionnaire": "Phiếu", "questionnaire_version": "Phiên bản phiếu", "complete": "Hoàn thành",
    "flags": "Đánh dấu nghi vấn", "demo": "Dữ liệu mẫu", "kiosk": "Máy tính bảng", "counter": "Quầy",
    "receipt": "Mã biên nhận", "dossier_code": "Mã hồ sơ", "procedure_code": "Mã thủ tục",
    "field": "Lĩnh vực", "officer": "Cán bộ", "duration_ms": "Thời gian trả lời (ms)",
    "seq": "Số thứ tự", "hash": "Mã kiểm tra (chuỗi băm)", "imported_from": "Nhập từ dữ liệu riêng của xã",
    "comment": "Góp ý",
}


# Columns of one value per response (never worth a shared-string entry in the workbook).
UNIQUE = ("id", "rated_at", "receipt", "dossier_code", "seq", "hash", "imported_from")


def unique_columns(audience: str = "people") -> list[int]:
    """Positions in ``header(audience)`` of the columns holding one value per response."""
    return [FIXED.index(c) for c in UNIQUE] + [len(FIXED) + len(question_ids())]


def question_ids() -> list[str]:
    """Every question id of the shipped questionnaires, the fullest questionnaire's order
    first, without the free-text comment (it has its own column)."""
    ids: list[str] = []
    for q in sorted(questionnaires().values(), key=lambda q: -len(q.questions)):
        ids += [x.id for x in q.questions if x.id not in ids and x.type != "text"]
    return ids


def _check(audience: str) -> None:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")


def question_texts() -> dict[str, str]:
    """{question id: its Vietnamese text}, from the fullest questionnaire that asks it; a
    question of a past version only says so ("phiếu cũ, 3 mức")."""
    retired = retired_questions()
    texts: dict[str, str] = {}
    for q in sorted(questionnaires().values(), key=lambda q: -len(q.questions)):
        for x in q.questions:
            old = (" (phiếu cũ" + (f", {x.scale} mức" if x.scale else "") + ")") if x.id in retired else ""
            texts.setdefault(x.id, x.text.vi + old)
    return texts


def header(audience: str = "people") -> list[str]:
    """Column names: fixed columns, one per question, then the comment. ``people``: in
    Vietnamese, each question named by its text; ``systems``: the column and question ids."""
    _check(audience)
    if audience == "systems":
        return list(FIXED) + question_ids() + ["comment"]
    texts = question_texts()
    return [HEADERS_VI[c] for c in FIXED] + [texts[q] for q in question_ids()] + [HEADERS_VI["comment"]]


@lru_cache(maxsize=16)
def _labels(form_id: str | None) -> dict[str, dict[str, str]]:
    """{question id: {stored value: Vietnamese label}} for a questionnaire, falling back to
    the other shipped questionnaires for ids it lacks (a looked-up table: a million rows
    must not search the questionnaire for every cell)."""
    forms = questionnaires()
    order = ([forms[form_id]] if form_id in forms else []) + list(forms.values())
    table: dict[str, dict[str, str]] = {}
    for form in order:
        for q in form.questions:
            table.setdefault(q.id, dict(q.options("vi")))
    return table


def _label(known: dict, values: list[str]) -> str:
    if len(values) == 1:
        return known.get(values[0], values[0])
    return "; ".join(known.get(v, v) for v in values)


RATED_AT, LOCAL_DATE, FLAGS_AT, CHANNEL, IMPORTED = (
    FIXED.index(c) for c in ("rated_at", "local_date", "flags", "channel", "imported_from"))
YES_NO_COLUMNS = {FIXED.index("complete"): ("Có", "Không"), FIXED.index("demo"): ("Có", "")}


class _People:
    """The fixed columns in words (local time as a value, flags, channel, yes/no), with the
    values that repeat from row to row (dates, flag sets) looked up once: a year's raw sheet
    turns a hundred thousand rows."""

    def __init__(self):
        self.dates: dict[str, date] = {}
        self.flags: dict[str, str] = {}

    def local_time(self, rated) -> datetime:
        text = str(rated)
        if len(text) >= 20 and text[-1] == "Z" and text[19] in ".Z":  # as stored: UTC, "…T09:30:00.123Z"
            return datetime.fromisoformat(text[:19]) + queries.VN_OFFSET
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.astimezone(queries.LOCAL_TZ).replace(tzinfo=None, microsecond=0)

    def fixed(self, cells: list) -> list:
        rated = cells[RATED_AT]
        if rated:
            cells[RATED_AT] = self.local_time(rated)
        day = cells[LOCAL_DATE]
        if day:
            got = self.dates.get(day)
            if got is None:
                got = self.dates[day] = datetime.fromisoformat(str(day)).date()
            cells[LOCAL_DATE] = got
        flags = cells[FLAGS_AT]
        if flags:
            words = self.flags.get(flags)
            if words is None:
                words = self.flags[flags] = "; ".join(
                    vocabulary.FLAGS[f].vi if f in vocabulary.FLAGS else f for f in str(flags).split())
            cells[FLAGS_AT] = words
        cells[CHANNEL] = CHANNELS_VI.get(cells[CHANNEL], cells[CHANNEL])
        if cells[IMPORTED]:  # "<seq>:<hash>" of its link in the commune's own chain (import-unit)
            cells[IMPORTED] = f"Có (phiếu số {str(cells[IMPORTED]).split(':')[0]} của xã)"
        for i, (yes, no) in YES_NO_COLUMNS.items():
            cells[i] = yes if cells[i] else no
        return cells


def iter_rows(conn_or_path, date_from: str, date_to: str, exclude_flagged: bool = False,
              audience: str = "people", unit: str | None = None):
    """Yield one list per response (in chain order) matching ``header(audience)``; for
    people answers as labels (multi-choice joined with "; "), for systems the stored codes
    (joined with ";"); unanswered questions as ''. ``unit``: that unit's responses only."""
    _check(audience)
    with connection.opened(conn_or_path) as conn:
        yield from _rows(conn, str(date_from), str(date_to), exclude_flagged, audience == "people", unit)


def _chunks(conn: sqlite3.Connection, query: _Packed):
    """The rows of ``query`` in chunks, from a file fetched one chunk ahead by a second thread
    on its own read-only connection (on the other core while this one is turned into cells)."""
    path = connection.database_file(conn)
    if path is None or conn.in_transaction:  # a second connection would not see uncommitted rows
        yield from query.chunks(conn)
        return
    ready: queue.Queue = queue.Queue(1)
    stop = threading.Event()

    def fetch():
        try:
            own = connection.open_reader(path)
            try:
                own.execute("BEGIN")  # every chunk from one snapshot, as from one statement
                for chunk in query.chunks(own):
                    ready.put(chunk)
                    if stop.is_set():
                        return
                ready.put([])
            finally:
                own.close()
        except BaseException as exc:  # noqa: BLE001 - raised in the reading thread below
            ready.put(exc)

    thread = threading.Thread(target=fetch, name="rows-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            chunk = ready.get()
            if isinstance(chunk, BaseException):
                raise chunk
            if not chunk:
                return
            yield chunk
    finally:  # stopped early (an error, a closed download): let the fetcher finish and close
        stop.set()
        while thread.is_alive():
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                pass


class _Packed:
    """The period's rows ``CHUNK`` at a time along the chain (keyset: ``seq`` after the last
    one read), each chunk one JSON array made by SQLite. Fetched row by row, the reading
    thread let go of the GIL at each row, then waited for it behind the thread making cells:
    a year's raw sheet waited ~2 s for its rows (measured; 0.4 s less in all this way)."""

    def __init__(self, columns: list[str], where: str, params: dict, bounds: str):
        listed = ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))
        values = ", ".join(f"c{i}" for i in range(len(columns)))
        self.sql = (f"SELECT json_group_array(json_array({values})) FROM (SELECT {listed} FROM responses "
                    f"WHERE seq > :after AND seq <= :last AND {where} ORDER BY seq LIMIT {CHUNK})")
        self.params, self.bounds = params, bounds

    def chunks(self, conn):
        first, last = conn.execute(self.bounds, self.params).fetchone()
        if first is None:
            return
        params = {**self.params, "after": first - 1, "last": last}
        while rows := json.loads(conn.execute(self.sql, params).fetchone()[0]):
            rows.sort(key=_BY_SEQ)  # the order within an aggregate is SQLite's to choose
            params["after"] = rows[-1][SEQ]
            yield rows


def _rows(conn, date_from: str, date_to: str, exclude_flagged: bool, people: bool, unit: str | None = None):
    qids = question_ids()
    present = {row[1] for row in conn.execute("PRAGMA table_info(responses)")}
    # a copy from an older release lacks the newer columns (unit, imported_from): empty there
    columns = [c if c in present else "NULL" for c in FIXED + ("overall", "scale", "comment")]
    in_unit, _ = queries.unit_filter(unit)
    # the period's rows read along the chain (seq) between its first and last link, so they
    # stream in order from the first row instead of being sorted first (a year: 0.3 s); for
    # one unit, its own first and last link (index unit, seq): on a province's server the
    # period's ends over every unit cost a pass over all their rows (a commune's 100,000 of
    # 10M: 10-15 s to read, now 2-3 s, as on its own server)
    in_unit = in_unit.replace("?", ":unit")
    period = "local_date BETWEEN :from AND :to" + in_unit
    bounds = f"SELECT (SELECT min(seq) FROM responses WHERE {period}), (SELECT max(seq) FROM responses WHERE {period})"
    where = "+local_date BETWEEN :from AND :to" + (" AND flags = ''" if exclude_flagged else "") + in_unit
    # each response's answers in one column, in the order stored, "question\x1fvalue" joined by
    # \x1e: one pass instead of a query per chunk and a Python row per answer. Neither
    # character can reach a cell (``cells.clean`` drops them), so a value never splits wrongly.
    columns.append("(SELECT group_concat(a.question_id || char(31) || replace(ifnull(a.value, ''), char(30), ''), "
                   "char(30)) FROM answers a WHERE a.response_id = responses.id)")
    query = _Packed(columns, where, {"from": date_from, "to": date_to, "unit": unit}, bounds)
    n_fixed, n_questions = len(FIXED), len(qids)
    position = {qid: i for i, qid in enumerate(qids)}
    words = _People()
    # most responses give one of a few sets of answers (a rating and a reason or two): the
    # question cells of each set are made once (a year's raw sheet: three in four rows)
    made: dict[tuple, list] = {}
    for chunk in _chunks(conn, query):
        for row in chunk:
            overall, scale, comment, stored = row[n_fixed:]
            cells = ["" if v is None else v for v in row[:n_fixed]]
            key = (stored, cells[QUESTIONNAIRE], overall, scale)
            questions = made.get(key)
            if questions is None:
                questions = _questions(stored, key[1], overall, scale, people, position, n_questions)
                if len(made) < ANSWER_SETS:
                    made[key] = questions
            if people:
                words.fixed(cells)
            cells += questions
            cells.append(comment or "")
            yield cells


ANSWER_SETS = 5000  # sets of answers remembered per export (a few MB at most)


def _questions(stored: str | None, form_id, overall, scale, people: bool, position: dict, n: int) -> list:
    """The question cells of one response from its answers as gathered (``_rows``)."""
    got: dict[str, list[str]] = {}
    for item in stored.split("\x1e") if stored else ():
        qid, _, value = item.partition("\x1f")
        if qid in got:
            got[qid].append(value)
        else:
            got[qid] = [value]
    questions = [""] * n
    at_overall = position["overall"]
    if people:
        labels = _labels(form_id or None)
        for qid, values in got.items():
            if qid in position:
                questions[position[qid]] = _label(labels.get(qid, {}), values)
        if overall is not None:  # the main rating, on the response's own scale
            questions[at_overall] = scale_label(scale or 5, overall)
    else:
        for qid, values in got.items():
            if qid in position:
                questions[position[qid]] = ";".join(values)
        if overall is not None:
            questions[at_overall] = overall
    return questions
