"""The 80 mm roll slip as the printer gets it (issue 13, point 10): Chromium's PDF at the
page's own size, rasterised at 203 dpi (a thermal printer's resolution) and decoded by zbarimg;
exactly 80 mm wide at scale 1, as tall as the slip; the text layer keeps "MẪU" (the vendored
font has every Vietnamese mark); the slip names the dossier and says where to type the code."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from tests.test_receipts_browser import issue_on_page, sign_in

TOOLS = ("pdftoppm", "pdftotext", "zbarimg")


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(env={"KIOSK_PUBLIC_BASE_URL": "https://hailong.xa-mau.gov.vn"})


def test_roll_slip_prints_80_mm_wide_decodes_at_203_dpi_and_keeps_every_mark(browser, server, tmp_path, shots):
    missing = [t for t in TOOLS if not shutil.which(t)]
    assert not missing, f"install poppler-utils and zbar-tools (.ci/run does): {missing}"
    from pypdf import PdfReader
    officer = sign_in(browser, server)
    code = issue_on_page(officer, server, "H15.50.05.13-261008-0975", "2.000884")
    officer.goto(server.url + f"/receipts/{code}/slip")
    officer.wait_for_selector("html[data-roll-height-mm]")
    slip = officer.inner_text('[data-testid="slip"]')
    assert "XÃ MẪU" in slip.upper()
    assert "H15.50.05.13-261008-0975" in officer.inner_text('[data-testid="slip-dossier"]')
    assert "https://hailong.xa-mau.gov.vn/r/" in officer.inner_text('[data-testid="slip-typed"]')
    officer.emulate_media(media="print")
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(officer.pdf(prefer_css_page_size=True, print_background=True))

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert len(reader.pages) == 1  # one slip, one page: nothing spills over
    box = reader.pages[0].mediabox
    width_mm, height_mm = float(box.width) / 72 * 25.4, float(box.height) / 72 * 25.4
    assert abs(width_mm - 80) < 0.2, width_mm
    assert 60 < height_mm < 120, height_mm  # as tall as the slip, not a fixed half-blank sheet

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "MẪU" in text, text
    assert "H15.50.05.13-261008-0975" in text

    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(pdf), str(tmp_path / "slip")], check=True)
    png = tmp_path / "slip.png"
    shutil.copy(png, shots / "receipts-09-slip-roll-203dpi.png")  # what the thermal printer gets
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert decoded == f"https://hailong.xa-mau.gov.vn/r/{code}"
    officer.context.close()


def test_qr_codes_have_a_quiet_zone_of_four_modules_of_at_least_1_mm():
    """The SVG's units are modules: the dark ones start 4 in from each edge; at the roll slip's
    44 mm (and the A4 sticker's 40 mm) a module is at least 1 mm."""
    import re

    from kiosk.web.qr import qr_svg
    svg = qr_svg("https://hailong.xa-mau.gov.vn/r/ABCDEFGHJ")
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    cells = [(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)", svg)]
    xs, ys = [x for x, _ in cells], [y for _, y in cells]
    assert min(xs) == min(ys) == 4
    assert max(xs) == max(ys) == side - 4 - 1
    assert 40 / side >= 1.0, side
