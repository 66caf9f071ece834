"""QR codes for the receipt slips: SVG for pages (no Pillow needed) and PNG for systems."""
from __future__ import annotations

import io

QUIET_ZONE = 4  # modules of white around the code, as the QR standard (ISO/IEC 18004) asks


def qr_svg(text: str) -> str:
    """A QR code as SVG markup (no Pillow needed), sized by CSS."""
    import qrcode
    import qrcode.image.svg
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=QUIET_ZONE,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = img.to_string(encoding="unicode")
    head, rest = svg.split(">", 1)
    head = " ".join(p for p in head.split(" ") if not p.startswith(("width=", "height=")))
    return (head + ' class="qr" role="img" shape-rendering="crispEdges">' + rest)


def qr_png(text: str, box: int = 8) -> bytes:
    import qrcode
    qr = qrcode.QRCode(border=QUIET_ZONE, box_size=box, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf)
    return buf.getvalue()
