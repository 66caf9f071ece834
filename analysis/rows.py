"""Raw responses, one row per response, streamed: for the CSV and the Excel raw sheet.

A million responses must not sit in memory, so rows are read in chunks and their answers
fetched per chunk through the answers(response_id) index.

Two audiences (``AUDIENCES``):

- ``people`` (the default download): Vietnamese headings, each question headed by its own
  text, answers as the questionnaire's labels, times in Vietnam (Asia/Ho_Chi_Minh, as a
  date/time value, ISO-ordered so no spreadsheet reads 05/11 as May), flags, channels and
  yes/no columns in Vietnamese words.
- ``systems`` (``?for=systems``): column ids, stored codes (answer values, the overall
  rating as a number, flag names), times in UTC ISO 8601, as stable input for programs.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from survey_forms import scale_label, vocabulary

from . import queries
from .forms import questionnaires, retired_questions

AUDIENCES = ("people", "systems")
CHANNELS_VI = {"kiosk": "Máy tính bảng tại quầy", "phone": "Điện thoại (mã QR)"}

CHUNK = 5000
FIXED = ("id", "local_date", "rated_at", "channel", "questionnaire", "questionnaire_version",
         "complete", "flags", "demo", "kiosk", "counter", "receipt", "dossier_code",
         "procedure_code", "field", "officer", "duration_ms", "seq", "hash", "imported_from")
ID, QUESTIONNAIRE = FIXED.index("id"), FIXED.index("questionnaire")  # read while streaming
HEADERS_VI = {
    "id": "Mã phiếu", "local_date": "Ngày", "rated_at": "Thời điểm (giờ Việt Nam)", "channel": "Kênh",
    "questionnaire": "Phiếu", "questionnaire_version": "Phiên bản phiếu", "complete": "Hoàn thành",
    "flags": "Đánh dấu nghi vấn", "demo": "Dữ liệu mẫu", "kiosk": "Máy tính bảng", "counter": "Quầy",
    "receipt": "Mã biên nhận", "dossier_code": "Mã hồ sơ", "procedure_code": "Mã thủ tục",
    "field": "Lĩnh vực", "officer": "Cán bộ", "duration_ms": "Thời gian trả lời (ms)",
    "seq": "Số thứ tự", "hash": "Mã kiểm tra (chuỗi băm)", "imported_from": "Nhập từ dữ liệu riêng của xã",
    "comment": "Góp ý",
}


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


def _label(labels: dict, qid: str, values: list[str]) -> str:
    known = labels.get(qid, {})
    return "; ".join(known.get(v, v) for v in values)


RATED_AT, LOCAL_DATE, FLAGS_AT, CHANNEL, IMPORTED = (
    FIXED.index(c) for c in ("rated_at", "local_date", "flags", "channel", "imported_from"))
YES_NO_COLUMNS = {"complete": ("Có", "Không"), "demo": ("Có", "")}


def _for_people(cells: list) -> list:
    """The fixed columns in words: local time as a value, flags, channel, yes/no."""
    out = list(cells)
    rated = out[RATED_AT]
    if rated:
        when = datetime.fromisoformat(str(rated).replace("Z", "+00:00"))
        out[RATED_AT] = when.astimezone(queries.LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    if out[LOCAL_DATE]:
        out[LOCAL_DATE] = datetime.fromisoformat(str(out[LOCAL_DATE])).date()
    out[FLAGS_AT] = "; ".join(vocabulary.FLAGS[f].vi if f in vocabulary.FLAGS else f
                           for f in str(out[FLAGS_AT] or "").split())
    out[CHANNEL] = CHANNELS_VI.get(out[CHANNEL], out[CHANNEL])
    if out[IMPORTED]:  # "<seq>:<hash>" of its link in the commune's own chain (import-unit)
        out[IMPORTED] = f"Có (phiếu số {str(out[IMPORTED]).split(':')[0]} của xã)"
    for name, (yes, no) in YES_NO_COLUMNS.items():
        i = FIXED.index(name)
        out[i] = yes if out[i] else no
    return out


def iter_rows(conn_or_path, date_from: str, date_to: str, exclude_flagged: bool = False,
              audience: str = "people", unit: str | None = None):
    """Yield one list per response (in chain order) matching ``header(audience)``; for
    people answers as labels (multi-choice joined with "; "), for systems the stored codes
    (joined with ";"); unanswered questions as ''. ``unit``: that unit's responses only."""
    _check(audience)
    with queries.opened(conn_or_path) as conn:
        yield from _rows(conn, str(date_from), str(date_to), exclude_flagged, audience == "people", unit)


def _rows(conn, date_from: str, date_to: str, exclude_flagged: bool, people: bool, unit: str | None = None):
    qids = question_ids()
    present = {row[1] for row in conn.execute("PRAGMA table_info(responses)")}
    # a copy from an older release lacks the newer columns (unit, imported_from): empty there
    cols = ", ".join(c if c in present else f"NULL AS {c}" for c in FIXED + ("overall", "scale", "comment"))
    in_unit, params = queries.unit_filter(unit)
    where = "local_date BETWEEN ? AND ?" + (" AND flags = ''" if exclude_flagged else "") + in_unit
    cur = conn.execute(f"SELECT {cols} FROM responses WHERE {where} ORDER BY seq",
                       [date_from, date_to, *params])
    while True:
        chunk = cur.fetchmany(CHUNK)
        if not chunk:
            return
        answers: dict[str, dict[str, list[str]]] = {}
        ids = [r[ID] for r in chunk]
        for start in range(0, len(ids), 900):  # stay under SQLite's variable limit
            part = ids[start:start + 900]
            marks = ", ".join("?" * len(part))
            for rid, qid, value in conn.execute(
                    f"SELECT response_id, question_id, value FROM answers "
                    f"WHERE response_id IN ({marks}) ORDER BY rowid", part):
                answers.setdefault(rid, {}).setdefault(qid, []).append(value)
        for row in chunk:
            fixed = list(row[:len(FIXED)])
            overall, scale, comment = row[len(FIXED):]
            got = answers.get(fixed[ID], {})
            cells = ["" if v is None else v for v in fixed]
            if people:
                labels = _labels(fixed[QUESTIONNAIRE])
                cells = _for_people(cells)
                cells += [_label(labels, qid, got[qid]) if qid in got else "" for qid in qids]
                if overall is not None:  # the main rating, on the response's own scale
                    cells[len(FIXED) + qids.index("overall")] = scale_label(scale or 5, overall)
            else:
                cells += [";".join(got[qid]) if qid in got else "" for qid in qids]
                if overall is not None:
                    cells[len(FIXED) + qids.index("overall")] = overall
            cells.append(comment or "")
            yield cells
