"""Receipts at the counter: the officer issues a one-time code for a dossier, prints the
slip with its QR code, and marks the result returned ("Trả kết quả").

Expiry (``RECEIPT_EXPIRY_DAYS``, default 30): a code stops working that many days after
the result was returned. Until it is returned it works until that many days after the
later of its issue and the appointment date (ngày hẹn trả), so a slow dossier's code does
not die before the citizen collects the result. ``receipts.expires_at`` holds the moment.
The officer's pages never show what a citizen answered: at most "đã đánh giá".
"""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, session, url_for)

from . import codes, store, timeutil
from .auth import api_principal, login_required
from .db import get_db
from .i18n import _

bp = Blueprint("receipts", __name__, url_prefix="/receipts")
STAFF_ROLES = ("officer", "admin")
ISSUE_FIELDS = {"dossier_code", "procedure_code", "officer", "received_date", "appointment_date",
                "counter"}


class Invalid(Exception):
    def __init__(self, fields: dict):
        super().__init__("invalid receipt")
        self.fields = fields


# --- rules ----------------------------------------------------------------------------

def expiry_at_issue(issued_at: datetime, appointment_date: str | None, days: int) -> datetime:
    start = issued_at
    if appointment_date:
        end_of_day = datetime.combine(date.fromisoformat(appointment_date) + timedelta(days=1),
                                      time(), tzinfo=timeutil.LOCAL_TZ)
        start = max(start, end_of_day)
    return start + timedelta(days=days)


def public_url(code: str) -> str:
    """What the QR code points to: the configured public address, never the Host header."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/r/" + code


def qr_svg(text: str) -> str:
    """A QR code as SVG markup (no Pillow needed), sized by CSS."""
    import qrcode
    import qrcode.image.svg
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg = img.to_string(encoding="unicode")
    head, rest = svg.split(">", 1)
    head = " ".join(p for p in head.split(" ") if not p.startswith(("width=", "height=")))
    return (head + ' class="qr" role="img" shape-rendering="crispEdges">' + rest)


def qr_png(text: str, box: int = 8) -> bytes:
    import qrcode
    qr = qrcode.QRCode(border=2, box_size=box, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf)
    return buf.getvalue()


def _text(body, name, errors, required=False, limit=100):
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "is required"
        return None
    if not isinstance(value, str):
        errors[name] = "must be text"
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        errors[name] = f"is too long (at most {limit} characters)"
        return None
    return value


def _date(body, name, errors):
    value = body.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        from .catalogue_io import parse_date
        try:
            return parse_date(value)
        except ValueError:
            pass
    errors[name] = "must be a date YYYY-MM-DD"
    return None


def validate_issue(db, body) -> dict:
    """Check an issue request (API body or form data); returns the clean values or raises
    Invalid with {field: message}. The procedure must be in the catalogue and in force."""
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object"})
    errors = {str(k)[:60]: "unknown field" for k in list(set(body) - ISSUE_FIELDS)[:10]}
    clean = {
        "dossier_code": _text(body, "dossier_code", errors, required=True, limit=60),
        "procedure_code": _text(body, "procedure_code", errors, required=True, limit=60),
        "officer": _text(body, "officer", errors, required=True),
        "counter": _text(body, "counter", errors, limit=60),
        "received_date": _date(body, "received_date", errors) or timeutil.local_today().isoformat(),
        "appointment_date": _date(body, "appointment_date", errors),
    }
    code = clean["procedure_code"]
    if code and "procedure_code" not in errors:
        proc = store.get_procedure(db, code.upper())
        if proc is None:
            errors["procedure_code"] = "unknown procedure: not in this commune's catalogue"
        else:
            clean["procedure_code"] = proc["code"]
            day = clean["received_date"]
            if (proc["valid_to"] and proc["valid_to"] < day) or (proc["valid_from"] and proc["valid_from"] > day):
                errors["procedure_code"] = "procedure not in force on the received date"
    if clean["appointment_date"] and clean["appointment_date"] < clean["received_date"]:
        errors["appointment_date"] = "is before the received date"
    if errors:
        raise Invalid(errors)
    return clean


def issue(db, clean: dict, actor: str) -> tuple[dict, bool]:
    """Issue a code for a dossier (or give back its open one). Returns (receipt, created)."""
    now = timeutil.utcnow()
    existing = store.open_receipt_for_dossier(db, clean["dossier_code"], clean["procedure_code"], now)
    if existing:
        return existing, False
    days = int(current_app.config["RECEIPT_EXPIRY_DAYS"])
    row = dict(clean, issued_at=timeutil.iso(now), issued_by=actor,
               expires_at=timeutil.iso(expiry_at_issue(now, clean["appointment_date"], days)))
    return store.create_receipt(db, row, codes.new_code), True


def mark_returned(db, code: str, counter: str | None, actor: str) -> bool:
    now = timeutil.utcnow()
    expires = now + timedelta(days=int(current_app.config["RECEIPT_EXPIRY_DAYS"]))
    return store.mark_returned(db, code, counter, now, expires, actor)


def state(row) -> str:
    return store.receipt_state(row, timeutil.utcnow())


def urls(code: str) -> dict:
    return {"code": code, "display_code": codes.display(code), "url": public_url(code),
            "qr_svg_url": url_for("receipts.qr", code=code, fmt="svg", _external=True),
            "qr_png_url": url_for("receipts.qr", code=code, fmt="png", _external=True),
            "slip_url": url_for("receipts.slip", code=code, _external=True)}


def _receipt_or_404(code: str) -> dict:
    canonical = codes.normalize(code)
    row = store.get_receipt(get_db(), canonical) if canonical else None
    if row is None:
        abort(404)
    return row


def _counter_names(db) -> list[str]:
    names = {c["name"] for c in store.list_counters(db, active_only=True)}
    names |= {k["counter"] for k in store.list_kiosks(db) if k["counter"] and not k["revoked"]}
    return sorted(names)


# --- views ------------------------------------------------------------------------------

@bp.route("/")
@login_required(*STAFF_ROLES)
def index():
    """Receipts issued lately (an officer sees their own), with a dossier search."""
    db = get_db()
    q = (request.args.get("q") or "").strip()
    mine = None if g.user["role"] == "admin" else g.user["username"]
    rows = store.list_receipts(db, limit=200, issued_by=mine)
    if q:
        needle = store.fold(q)
        rows = [r for r in rows if needle in store.fold(r["dossier_code"])
                or needle in store.fold(codes.display(r["code"])) or needle in r["code"].lower()]
    return render_template("receipts/index.html", rows=rows[:100], q=q, state=state,
                           display=codes.display)


@bp.route("/new", methods=["GET", "POST"])
@login_required(*STAFF_ROLES)
def new():
    """Issue a receipt code for a dossier."""
    from .receipt_form import issue_view
    return issue_view()


@bp.route("/<code>")
@login_required(*STAFF_ROLES)
def detail(code):
    """One receipt: its QR code, slips to print, and "Trả kết quả"."""
    row = _receipt_or_404(code)
    db = get_db()
    counter = row["counter"] or session.get("return_counter") or ""
    return render_template("receipts/detail.html", r=row, status=state(row),
                           display=codes.display(row["code"]), url=public_url(row["code"]),
                           svg=qr_svg(public_url(row["code"])), counter=counter,
                           counters=_counter_names(db))


@bp.route("/<code>/return", methods=["POST"])
@login_required(*STAFF_ROLES)
def returned(code):
    """"Trả kết quả": the tablet at this counter now asks about this dossier."""
    row = _receipt_or_404(code)
    counter = " ".join((request.form.get("counter") or "").split())[:60] or None
    if state(row) == "used":
        flash(_("Mã phiếu này đã được dùng để đánh giá."), "error")
    elif mark_returned(get_db(), row["code"], counter, g.user["username"]):
        if counter:
            session["return_counter"] = counter
            flash(_("Đã ghi nhận trả kết quả tại {counter}. Máy tính bảng ở quầy này đang mời đánh giá.",
                    counter=counter), "ok")
        else:
            flash(_("Đã ghi nhận trả kết quả."), "ok")
    else:
        flash(_("Mã phiếu này đã được dùng để đánh giá."), "error")
    return redirect(url_for("receipts.detail", code=row["code"]))


@bp.route("/<code>/slip")
@login_required(*STAFF_ROLES)
def slip(code):
    """The printable slip: 80 mm roll (default) or A4."""
    row = _receipt_or_404(code)
    return _slips([row], request.args.get("layout", "roll"))


@bp.route("/slips")
@login_required(*STAFF_ROLES)
def slips():
    """Several slips on A4 sheets (8 per page, for sticker sheets), or one roll slip each."""
    wanted = [c for c in (codes.normalize(x) for x in request.args.getlist("code")) if c]
    rows = store.receipts_by_codes(get_db(), wanted)
    if not rows:
        flash(_("Chọn ít nhất một phiếu để in."), "error")
        return redirect(url_for("receipts.index"))
    return _slips(rows, request.args.get("layout", "a4"))


def _slips(rows, layout):
    if layout not in ("roll", "a4"):
        abort(404)
    items = [{"r": r, "display": codes.display(r["code"]), "svg": qr_svg(public_url(r["code"]))}
             for r in rows]
    pages = [items[i:i + 8] for i in range(0, len(items), 8)] if layout == "a4" else [items]
    return render_template("receipts/slip.html", pages=pages, layout=layout,
                           back=url_for("receipts.detail", code=rows[0]["code"]) if len(rows) == 1
                           else url_for("receipts.index"))


@bp.route("/<code>/qr.<fmt>")
def qr(code, fmt):
    """The QR code alone, SVG or PNG, for staff and for the one-stop software's token."""
    who = api_principal()
    if who is None or who["role"] not in ("officer", "admin", "leader"):
        abort(401 if who is None else 403)
    row = _receipt_or_404(code)
    if fmt == "svg":
        svg = qr_svg(public_url(row["code"])).replace('class="qr" ', 'width="60mm" height="60mm" ')
        return Response(svg, mimetype="image/svg+xml")
    if fmt == "png":
        return Response(qr_png(public_url(row["code"])), mimetype="image/png")
    abort(404)
