"""A citizen's comment stays a comment in every spreadsheet: no live formula whatever the
separator a spreadsheet guesses, no download broken by a control character (issue 12)."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from analysis import summarize
from analysis.reports.cells import clean, neutralise, to_sheet, unneutralise
from analysis.reports.csv import responses_csv
from analysis.reports.xlsx import xlsx_report
from kiosk import store
from kiosk.web.auth import hash_token
from tests.analysis_helpers import add

# Formulas give 1337, a value no honest cell of these files holds.
TRICKY = ["=1000+337", "Tốt;=1000+337;=HYPERLINK(\"http://evil.example\";\"bấm\")", "ok\u0001",
          "Tốt, +1000+337", "a\t=1000+337", "dòng 1\n=1000+337", "x;\"=1000+337\"", "#N/A",
          "'=1000+337", "-1000+337"]


@pytest.mark.parametrize("cell, expected", [
    ("Tốt;=1+1;=HYPERLINK(\"x\")", "Tốt;'=1+1;'=HYPERLINK(\"x\")"),
    ("Tốt,=1+1", "Tốt,'=1+1"),
    ("Tốt; -1", "Tốt; '-1"),                  # spaces before the formula start
    ("x;\"=1+1\"", "x;\"'=1+1\""),            # LibreOffice evaluates a quoted "=1+1"
    ("a\t@SUM(A1)", "a\t'@SUM(A1)"),           # tab is a separator too
    ("dòng 1\r\n+1", "dòng 1\r\n'+1"),
    ("'=1+1", "''=1+1"),                       # a quote already there gains one
    ("ok\u0001 \ud800tốt", "ok tốt"),          # what no file can hold is dropped
    ("Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu", "Giấy tờ, hồ sơ phức tạp; Chờ đợi lâu"),
    ("1,5; 2-3", "1,5; 2-3"),
    (-1, -1), (0.5, 0.5), (None, None),        # numbers stay numbers
])
def test_formula_starts_are_neutralised_inside_the_cell_too(cell, expected):
    assert neutralise(cell) == expected


@pytest.mark.parametrize("text", TRICKY + ["", "'", "''=x", "\t\t=", ";\t=1", " '=x", "a=b"])
def test_an_import_of_our_own_export_gives_back_the_exact_text(text):
    assert unneutralise(neutralise(text)) == clean(text)


def test_comment_with_semicolons_is_downloaded_byte_for_byte(fresh_db):
    rec = add(fresh_db, "2026-11-05 09:30", 4, comment="Tốt;=1+1;=HYPERLINK(\"http://x\")\u0001",
              officer="Cán bộ\u0002 A")
    lines = responses_csv(fresh_db, "2026-11-01", "2026-11-30", audience="systems").split(b"\r\n")
    seq_hash = fresh_db.execute("SELECT seq, hash FROM responses").fetchone()
    assert lines[1] == (f"{rec['id']},2026-11-05,2026-11-05T02:30:00.000Z,kiosk,counter,1,1,,0,,,,,,,"
                        f"Cán bộ A,4000,{seq_hash[0]},{seq_hash[1]},,4,,,,,,,,,,,,,,"
                        "\"Tốt;'=1+1;'=HYPERLINK(\"\"http://x\"\")\"").encode()
    assert lines[2] == b""


def _workbook_of_tricky_comments(db) -> bytes:
    for i, comment in enumerate(TRICKY):
        add(db, f"2026-11-05 09:{i:02d}", 2, {"reasons": ["papers"]}, comment=comment,
            officer="Cán bộ\u0002" if i == 0 else comment, counter=comment)
    summary = summarize(db, "2026-11-01", "2026-11-30", today="2026-11-30")
    return xlsx_report(summary, db=db, meta={"unit": "Trung tâm\u0003 Mẫu"})


def test_excel_report_holds_tricky_comments_as_text(fresh_db):
    wb = load_workbook(io.BytesIO(_workbook_of_tricky_comments(fresh_db)))
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type in ("f", "e")]
    assert formulas == []
    raw = wb["Phiếu chi tiết"]
    head = [c.value for c in raw[1]]
    comments = [r[head.index("Góp ý")] for r in raw.iter_rows(min_row=2, values_only=True)]
    assert comments == [clean(t) for t in TRICKY]          # shown as written, "ok" without \u0001
    officers = [c.value for c in wb["Theo cán bộ"]["A"][1:]]
    assert "Cán bộ" in officers and TRICKY[1] in officers
    assert wb["Tổng hợp"]["A3"].value == "Trung tâm Mẫu"


def test_catalogue_workbook_types_text_as_strings():
    ws = Workbook().active
    for column, value in enumerate(["=1+1", "#DIV/0!", "ok\u0001", 42], start=1):
        to_sheet(ws.cell(row=1, column=column), value)
    assert [c.data_type for c in ws[1]] == ["s", "s", "s", "n"]
    assert [c.value for c in ws[1]] == ["=1+1", "#DIV/0!", "ok", 42]


def test_leader_downloads_excel_files_of_a_month_with_control_characters(client, db):
    add(db, "2026-11-05 09:30", 4, comment="ok\u0001")
    add(db, "2026-11-06 09:30", 5, officer="\u0002")
    store.create_token(db, "Tỉnh", "leader", hash_token("leader-token"))
    for path in ("/api/v1/export/responses.xlsx", "/api/v1/report.xlsx"):
        r = client.get(path, query_string={"from": "2026-11-01", "to": "2026-11-30"},
                       headers={"Authorization": "Bearer leader-token"})
        assert r.status_code == 200, path
        assert load_workbook(io.BytesIO(r.data)).sheetnames[0] == "Tổng hợp"


# --- LibreOffice, as an official opens the files (about 2 s per conversion) -------------------

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _libreoffice_to_csv(path, tmp_path, infilter: str | None = None) -> dict[str, list[list[str]]]:
    """{sheet name: rows} of cells as LibreOffice shows them, formulas evaluated on import."""
    out = tmp_path / "out"
    command = [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    command += ["--convert-to", csv_filter, "--outdir", str(out), str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    sheets = {f.stem.removeprefix(path.stem + "-"): list(csv.reader(io.StringIO(f.read_text("utf-8"))))
              for f in out.glob("*.csv")}
    assert sheets, "LibreOffice wrote nothing"
    return sheets


def _evaluated(cells) -> list[str]:
    return [c for c in cells if c == "1337" or c.startswith(("Err:", "#NAME?", "#VALUE!"))]


@needs_soffice
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_libreoffice_runs_no_formula_from_our_csv_whatever_the_separator(fresh_db, tmp_path, separator):
    for i, comment in enumerate(TRICKY):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4, comment=comment, officer=comment)
    path = tmp_path / "responses.csv"
    path.write_bytes(responses_csv(fresh_db, "2026-11-01", "2026-11-30"))
    sheets = _libreoffice_to_csv(path, tmp_path, f"CSV:{ord(separator)},34,76,1")
    cells = [c for rows in sheets.values() for row in rows for c in row]
    assert _evaluated(cells) == []
    assert any("=1000+337" in c for c in cells)            # the text is there, as text


@needs_soffice
def test_libreoffice_runs_no_formula_from_our_workbook(fresh_db, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(_workbook_of_tricky_comments(fresh_db))
    sheets = _libreoffice_to_csv(path, tmp_path)
    assert _evaluated(c for rows in sheets.values() for row in rows for c in row) == []
    head, *raw = sheets["Phiếu chi tiết"]
    assert [row[head.index("Góp ý")] for row in raw] == [clean(t) for t in TRICKY]
