"""The printed report: administrative layout, and Vietnamese that survives extraction."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

from pypdf import PdfReader

from analysis import summarize
from analysis.reports.pdf import narrative, pdf_report
from tests.analysis_helpers import add


def _text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(unicodedata.normalize("NFC", text).split())


def _summary(db):
    for i in range(30):
        answers = {"resubmitted": "no"}
        if i < 4:
            answers["on_the_spot"] = "yes" if i == 0 else "no"
        add(db, "2026-11-05 09:00", 5 if i < 20 else 1, answers, channel="phone")
    return summarize(db, "2026-11-01", "2026-11-30", today="2026-11-30")


def test_leader_prints_the_report_with_vietnamese_intact(fresh_db):
    data = pdf_report(_summary(fresh_db), {"commune": "Xã Thử Nghiệm", "place": "Thử Nghiệm"},
                      issued=date(2026, 11, 30))
    assert data.startswith(b"%PDF")
    reader, text = _text(data)
    for words in ("BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM", "/BC-UBND", "hài lòng",
                  "Thử Nghiệm, ngày 30 tháng 11 năm 2026", "từ 01/11/2026 đến 30/11/2026",
                  "Nơi nhận:", "Wilson", "Chưa đạt", "Đạt", "80,0%"):
        assert words in text, words
    page = reader.pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210      # A4 portrait
    assert round(float(page.mediabox.height) / 72 * 25.4) == 297
    fonts = {str(f) for p in reader.pages for f in p["/Resources"]["/Font"].values()
             for f in [f.get_object()["/BaseFont"]]}
    assert any("LiberationSerif" in f for f in fonts)


def test_default_header_names_no_real_commune(fresh_db):
    _, text = _text(pdf_report(_summary(fresh_db), issued=date(2026, 11, 30)))
    assert "ỦY BAN NHÂN DÂN XÃ MẪU" in text


def test_narrative_says_what_met_missed_and_is_uncertain(fresh_db):
    sentences = narrative(_summary(fresh_db))
    assert any(s.startswith("Đạt chỉ tiêu: không phải cung cấp lại") for s in sentences)
    assert any(s.startswith("Chưa đủ dữ liệu để kết luận") and "phiếu nữa" in s for s in sentences)
    assert any(s.startswith("Không có dữ liệu trong kỳ") for s in sentences)


def test_long_report_numbers_pages_from_the_second(fresh_db):
    s = _summary(fresh_db)
    s["indicators"] = s["indicators"] * 6                  # force a second page
    s["previous"]["indicators"] = []
    reader, _ = _text(pdf_report(s, issued=date(2026, 11, 30)))
    assert len(reader.pages) >= 2
    first_lines = [p.extract_text().strip().splitlines()[0].strip() for p in reader.pages]
    assert first_lines[1] == "2"
    assert first_lines[0] != "1"


def test_empty_period_report_says_there_is_no_data(fresh_db):
    s = summarize(fresh_db, "2026-01-01", "2026-01-31", today="2026-02-01")
    _, text = _text(pdf_report(s, issued=date(2026, 2, 1)))
    assert "Không có dữ liệu" in text
