"""A citizen's comment stays a comment in every spreadsheet: no live formula whatever the
separator a spreadsheet guesses, no download broken by a control character (issue 12)."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import analysis.reports.csv as csv_module
from analysis import summarize
from analysis.reports import cells
from analysis.reports.cells import clean, neutralise, to_sheet, unneutralise
from analysis.reports.csv import responses_csv, responses_csv_stream
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


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="=+-@\t\r\n;, \"'aĐ\x00\x1f", max_size=12))
def test_the_quick_path_for_plain_text_neutralises_exactly_as_the_full_rule(text):
    # neutralise skips its pattern when no formula start is in the text at all: the
    # result must be what the pattern alone gives, for any text.
    assert neutralise(text) == cells._DANGER.sub(lambda m: m.group(0) + "'", clean(text))


def test_a_long_csv_is_streamed_in_blocks_and_every_copy_of_a_formula_stays_neutralised(fresh_db, monkeypatch):
    # One piece per row made the server hand waitress a hundred thousand tiny writes;
    # pieces of about BLOCK bytes send the same bytes. A value seen before is taken from
    # the encoder's memory: the second "=1+1" must be as harmless as the first.
    for i in range(30):
        add(fresh_db, f"2026-11-05 09:{i:02d}", 4, comment="=1+1" if i % 2 else "Tốt")
    whole = responses_csv(fresh_db, "2026-11-01", "2026-11-30")
    monkeypatch.setattr(csv_module, "BLOCK", 500)
    pieces = list(responses_csv_stream(fresh_db, "2026-11-01", "2026-11-30"))
    assert b"".join(pieces) == whole and 2 < len(pieces) < 31
    assert all(len(p) >= 500 for p in pieces[:-1])
    comments = [r[-1] for r in csv.reader(io.StringIO(whole.decode("utf-8-sig")), delimiter=";")][1:]
    assert comments.count("'=1+1") == 15 and "=1+1" not in comments


def test_the_kiosk_process_never_loads_numpy_or_pandas():
    # sqlite-utils imports both whenever they are installed; the server needs neither,
    # and numpy alone was 13 MB of its memory on a PC that had it for something else.
    code = ("import kiosk.__main__, sqlite_utils.db as d, sys; "
            "print(d.np, d.pd, 'numpy' in sys.modules and sys.modules['numpy'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["None", "None", "None"]
