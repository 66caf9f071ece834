"""Reading and writing the procedure list as CSV or Excel, and checking a procedure.

Import is all-or-nothing: every row is checked first and every bad row is reported with
its line number (the header is line 1, as in Excel); only a clean file is written, in one
transaction. Exports are UTF-8 with a BOM (so Excel shows Vietnamese) and cells that a
spreadsheet would run as a formula are escaped by the reports' own cell rules
(``analysis.reports.cells``), which an import undoes.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from analysis.reports.cells import to_sheet, unneutralise
from analysis.reports.csv import table_csv
from kiosk import store
from kiosk.domain.text import line as clean_line
from kiosk.store import fold


def _(text: str) -> str:
    """Marks a message for translation; it is translated where it is shown (catalogue pages)."""
    return text


CODE = re.compile(r"^\d\.\d{6}(?:\.[0-9A-Z]{1,6}){0,6}$")
COLUMNS = ("code", "name", "field", "valid_from", "valid_to")
HEADERS = {  # folded header text → column
    "code": "code", "ma": "code", "ma thu tuc": "code", "ma tthc": "code", "ma thu tuc hanh chinh": "code",
    "name": "name", "ten": "name", "ten thu tuc": "name", "ten tthc": "name", "ten thu tuc hanh chinh": "name",
    "field": "field", "linh vuc": "field",
    "valid from": "valid_from", "hieu luc tu": "valid_from", "tu ngay": "valid_from", "ngay hieu luc": "valid_from",
    "valid to": "valid_to", "hieu luc den": "valid_to", "den ngay": "valid_to", "het hieu luc": "valid_to",
}
EXPORT_HEADERS = ("code", "name", "field", "valid_from", "valid_to")
NAME_MAX = 500


class BadFile(ValueError):
    """A file that cannot be imported; ``errors`` lists (line, message, values): the line
    number (0 for the whole file), a Vietnamese message and the values to fill into it."""

    def __init__(self, errors: list[tuple[int, str, dict]]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def parse_date(value) -> str | None:
    """'' → None; 2026-01-31, 31/01/2026 or an Excel date → '2026-01-31'; else ValueError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def unescape(value) -> str:
    """A cell as imported: our own export escaping undone ('=… back to =…), trimmed."""
    return unneutralise(value).strip()


def check_procedure(raw: dict) -> tuple[dict, dict]:
    """Clean one procedure; returns (row, {column: problem in Vietnamese})."""
    errors = {}
    code = unescape(raw.get("code")).upper().replace(" ", "")
    if not CODE.match(code):
        errors["code"] = _("Mã thủ tục không đúng dạng (ví dụ 1.001193 hoặc 2.000815.000.00.00.H55)")
    name = " ".join(unescape(raw.get("name")).split())
    if not name:
        errors["name"] = _("Thiếu tên thủ tục")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Tên thủ tục quá dài")
    field = " ".join(unescape(raw.get("field")).split()) or None
    if field and len(field) > 200:
        errors["field"] = _("Tên lĩnh vực quá dài")
    dates = {}
    for col in ("valid_from", "valid_to"):
        try:
            dates[col] = parse_date(raw.get(col))
        except ValueError:
            errors[col] = _("Ngày không đúng dạng (dd/mm/yyyy hoặc yyyy-mm-dd)")
    if dates.get("valid_from") and dates.get("valid_to") and dates["valid_to"] < dates["valid_from"]:
        errors["valid_to"] = _("Ngày hết hiệu lực trước ngày có hiệu lực")
    return {"code": code, "name": name, "field": field, **dates}, errors


def _rows_from_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile([(0, _("Tệp CSV phải được lưu dạng UTF-8 (Excel: CSV UTF-8)."), {})]) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _rows_from_xlsx(data: bytes):
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise BadFile([(0, _("Không đọc được tệp Excel (.xlsx)."), {})]) from None
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_procedures(filename: str, data: bytes) -> list[dict]:
    """Parse and check a whole file; raises BadFile listing every bad row."""
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    rows = _rows_from_xlsx(data) if is_xlsx else _rows_from_csv(data)
    # The one normaliser: an NFD "Hộ tịch" from one file and an NFC one from another are one field.
    rows = [[clean_line(v) if isinstance(v, str) else v for v in r] for r in rows]
    if not rows:
        raise BadFile([(0, _("Tệp không có dữ liệu."), {})])
    header = [HEADERS.get(" ".join(fold(unescape(h)).replace("_", " ").split())) for h in rows[0]]
    missing = [c for c in ("code", "name") if c not in header]
    if missing:
        raise BadFile([(1, _("Thiếu cột {columns} (cần code, name, field, valid_from, valid_to hoặc Mã thủ tục, Tên thủ tục, Lĩnh vực)."),  # noqa: E501 (a translated message stays on one line)
                        {"columns": ", ".join(missing)})])
    errors, out, seen = [], [], {}
    for number, values in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        raw = {col: values[i] for i, col in enumerate(header) if col and i < len(values)}
        row, problems = check_procedure(raw)
        if row["code"] in seen and "code" not in problems:
            problems["code"] = (_("Mã {code} trùng với dòng {line}"),
                                {"code": row["code"], "line": seen[row["code"]]})
        seen.setdefault(row["code"], number)
        if problems:
            for problem in problems.values():
                message, values = problem if isinstance(problem, tuple) else (problem, {})
                errors.append((number, message, values))
        else:
            out.append(row)
    if errors:
        raise BadFile(errors)
    if not out:
        raise BadFile([(0, _("Tệp không có dòng thủ tục nào."), {})])
    return out


def procedures_csv(rows: list[dict]) -> bytes:
    """The list as CSV, written like every other download (BOM, CRLF, formulas escaped)."""
    return table_csv([EXPORT_HEADERS, *([r.get(c) for c in COLUMNS] for r in rows)])


def procedures_xlsx(rows: list[dict]) -> bytes:
    """The list as a workbook; text cells are strings, never formulas (``to_sheet``)."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Thu tuc"
    ws.append(list(EXPORT_HEADERS))
    for line, r in enumerate(rows, start=2):
        for column, c in enumerate(COLUMNS, start=1):
            to_sheet(ws.cell(row=line, column=column), r.get(c))
    for col, width in zip("ABCDE", (26, 60, 24, 12, 12), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the default catalogue, put in an empty database on first start ------------------
# Commune-level procedures from DOMAIN.md (from third-party lists: an official should check
# them against the province's published list and import the real one). Seeding runs only
# while the procedures table is empty, so it never overwrites what an admin entered.

DEFAULT_PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch"),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch"),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("2.000884", "Chứng thực chữ ký", "Chứng thực"),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh"),
    ("1.001699", "Xác nhận khuyết tật", "Bảo trợ xã hội"),
    ("1.001731", "Hỗ trợ chi phí mai táng", "Bảo trợ xã hội"),
    ("1.012812", "Hòa giải tranh chấp đất đai", "Đất đai"),
]


def seed_if_empty(db) -> int:
    """Insert the default procedures if there are none; returns how many were added."""
    if store.count_procedures(db):
        return 0
    rows = [{"code": c, "name": n, "field": f, "valid_from": None, "valid_to": None}
            for c, n, f in DEFAULT_PROCEDURES]
    return store.replace_procedures(db, rows, actor="system", action="seed_procedures")
