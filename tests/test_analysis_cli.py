"""``python -m analysis`` run as a leader would, in a subprocess, for every format."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.analysis_helpers import add
from tests.helpers import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT,
                          capture_output=True, timeout=60)


@pytest.fixture
def db_file(fresh_db, tmp_path):
    add(fresh_db, "2026-11-05 09:00", 5, {"resubmitted": "no"})
    add(fresh_db, "2026-11-05 10:00", 2, flags="burst")
    return tmp_path / "kiosk.db"


PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")


def test_leader_reads_the_summary_as_text(db_file):
    r = run("summary", "--db", db_file, *PERIOD)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert "TỪ 01/11/2026 ĐẾN 30/11/2026" in out
    assert "Mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính" in out
    assert "50,0%" in out and "Cách tính:" in out


def test_script_reads_the_summary_as_json(db_file):
    r = run("summary", "--db", db_file, *PERIOD, "--format", "json", "--exclude-flagged")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert data["indicators"][0]["n"] == 1 and data["all"]["indicators"][0]["n"] == 2
    assert data["flagged"] == {"responses": 1, "by_flag": {"burst": 1}, "excluded": True}


def test_csv_summary_goes_to_a_file(db_file, tmp_path):
    out = tmp_path / "s.csv"
    r = run("summary", "--db", db_file, *PERIOD, "--format", "csv", "-o", out)
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsection,id,label") and b"\r\n" in data


def test_excel_and_pdf_reports_are_written(db_file, tmp_path):
    xlsx, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    assert run("summary", "--db", db_file, *PERIOD, "--format", "xlsx", "-o", xlsx).returncode == 0
    wb = load_workbook(io.BytesIO(xlsx.read_bytes()))
    # headline n without the flagged rating, the raw n beside it (last column)
    assert wb["Tổng hợp"]["C6"].value == 1 and wb["Tổng hợp"]["M6"].value == 2
    assert wb["Tổng hợp"]["L5"].value == "Tỷ lệ (tính cả phiếu nghi vấn)"
    assert "Phiếu chi tiết" not in wb.sheetnames
    r = run("summary", "--db", db_file, *PERIOD, "--format", "xlsx", "--include-flagged", "-o", xlsx)
    assert r.returncode == 0
    assert load_workbook(io.BytesIO(xlsx.read_bytes()))["Tổng hợp"]["C6"].value == 2
    assert run("summary", "--db", db_file, *PERIOD, "--format", "xlsx", "--with-responses",
               "-o", xlsx).returncode == 0
    assert load_workbook(io.BytesIO(xlsx.read_bytes()))["Phiếu chi tiết"].max_row == 3
    r = run("summary", "--db", db_file, *PERIOD, "--format", "pdf", "-o", pdf, "--commune", "Xã Thử")
    assert r.returncode == 0, r.stderr
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "ỦY BAN NHÂN DÂN XÃ THỬ" in text


def test_default_period_is_this_month_to_date(db_file):
    r = run("summary", "--db", db_file, "--format", "json")
    assert r.returncode == 0, r.stderr
    period = json.loads(r.stdout)["period"]
    assert period["from"][8:] == "01" and period["from"][:7] == period["to"][:7]


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-13-01"), b"not a date"),
    (("--from", "2026-11-30", "--to", "2026-11-01"), b"after"),
    (("--format", "pdf"), b"-o FILE"),
    (("--format", "docx"), b"invalid choice"),
])
def test_bad_input_is_one_clear_line_and_exit_code_2(db_file, args, message):
    r = run("summary", "--db", db_file, *args)
    assert r.returncode == 2
    assert message in r.stderr and b"Traceback" not in r.stderr


def test_missing_database_is_reported_not_created(tmp_path):
    r = run("summary", "--db", tmp_path / "none.db")
    assert r.returncode == 2
    assert b"no database" in r.stderr and b"Traceback" not in r.stderr
    assert not (tmp_path / "none.db").exists()


def test_not_a_database_is_reported(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    r = run("summary", "--db", bad)
    assert r.returncode == 2 and b"Traceback" not in r.stderr


@pytest.mark.parametrize("args", [(), ("summary",)])
def test_every_command_has_help(args):
    r = run(*args, "--help")
    assert r.returncode == 0 and b"usage:" in r.stdout


def test_analysis_imports_without_flask_or_kiosk():
    code = ("import analysis, analysis.summary, analysis.reports.csv, analysis.reports.xlsx, "
            "analysis.reports.pdf, analysis.reports.text, analysis.__main__, survey_forms, sys; "
            "assert 'flask' not in sys.modules; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'kiosk', 'werkzeug')]; "
            "assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
