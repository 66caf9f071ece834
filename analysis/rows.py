"""Raw responses, one row per response, streamed: for the CSV and the Excel raw sheet.

A million responses must not sit in memory, so rows are read in chunks and their answers
fetched per chunk through the answers(response_id) index. Answer values become the
readable Vietnamese labels of the questionnaire the response answered.
"""
from __future__ import annotations

from functools import lru_cache

from survey_forms import scale_label

from . import queries
from .forms import questionnaires

CHUNK = 5000
FIXED = ("id", "local_date", "rated_at", "channel", "questionnaire", "questionnaire_version",
         "complete", "flags", "demo", "kiosk", "counter", "receipt", "dossier_code",
         "procedure_code", "field", "officer", "duration_ms", "seq", "hash")
ID, QUESTIONNAIRE = FIXED.index("id"), FIXED.index("questionnaire")  # read while streaming
HEADERS_VI = {
    "id": "Mã phiếu", "local_date": "Ngày", "rated_at": "Thời điểm (UTC)", "channel": "Kênh",
    "questionnaire": "Phiếu", "questionnaire_version": "Phiên bản phiếu", "complete": "Hoàn thành",
    "flags": "Đánh dấu nghi vấn", "demo": "Dữ liệu mẫu", "kiosk": "Máy tính bảng", "counter": "Quầy",
    "receipt": "Mã biên nhận", "dossier_code": "Mã hồ sơ", "procedure_code": "Mã thủ tục",
    "field": "Lĩnh vực", "officer": "Cán bộ", "duration_ms": "Thời gian trả lời (ms)",
    "seq": "Số thứ tự", "hash": "Mã kiểm tra (chuỗi băm)",
    "comment": "Góp ý",
}


def question_ids() -> list[str]:
    """Every question id of the shipped questionnaires, the fullest questionnaire's order
    first, without the free-text comment (it has its own column)."""
    ids: list[str] = []
    for q in sorted(questionnaires().values(), key=lambda q: -len(q.questions)):
        ids += [x.id for x in q.questions if x.id not in ids and x.type != "text"]
    return ids


def header(lang: str = "vi") -> list[str]:
    """Column names: fixed columns, one per question, then the comment. Questions are
    named by id (stable for systems); ``lang="vi"`` names the fixed columns in Vietnamese."""
    fixed = [HEADERS_VI[c] if lang == "vi" else c for c in FIXED]
    return fixed + question_ids() + [HEADERS_VI["comment"] if lang == "vi" else "comment"]


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


def iter_rows(conn_or_path, date_from: str, date_to: str, exclude_flagged: bool = False):
    """Yield one list per response (in chain order) matching ``header()``: answers as
    labels, multi-choice joined with "; ", unanswered questions as ''."""
    with queries.opened(conn_or_path) as conn:
        yield from _rows(conn, str(date_from), str(date_to), exclude_flagged)


def _rows(conn, date_from: str, date_to: str, exclude_flagged: bool):
    qids = question_ids()
    cols = ", ".join(FIXED + ("overall", "scale", "comment"))
    where = "local_date BETWEEN ? AND ?" + (" AND flags = ''" if exclude_flagged else "")
    cur = conn.execute(f"SELECT {cols} FROM responses WHERE {where} ORDER BY seq",
                       [date_from, date_to])
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
            labels = _labels(fixed[QUESTIONNAIRE])
            got = answers.get(fixed[ID], {})
            cells = ["" if v is None else v for v in fixed]
            cells += [_label(labels, qid, got[qid]) if qid in got else "" for qid in qids]
            if overall is not None:  # the main rating, on the response's own scale
                cells[len(FIXED) + qids.index("overall")] = scale_label(scale or 5, overall)
            cells.append(comment or "")
            yield cells
