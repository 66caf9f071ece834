"""Receipts at the counter: the officer issues a one-time code for a dossier, prints the
slip with its QR code, and marks the result returned ("Trả kết quả").

The rules (expiry, what an issue request must hold) are in ``kiosk.domain.receipts``.
The officer's pages never show what a citizen answered: at most "đã đánh giá".
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from kiosk import store
from kiosk.domain import codes, receipts
from kiosk.domain.receipts import mark_returned, state
from kiosk.web import scope
from kiosk.web.auth import api_principal, login_required
from kiosk.web.db import get_db
from kiosk.web.i18n import _
from kiosk.web.qr import qr_png, qr_svg

bp = Blueprint("receipts", __name__, url_prefix="/receipts")
STAFF_ROLES = ("officer", "admin")


def public_url(code: str) -> str:
    """What the QR code points to: the configured public address, never the Host header."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/r/" + code


def urls(code: str) -> dict:
    return {"code": code, "display_code": codes.display(code), "url": public_url(code),
            "qr_svg_url": url_for("receipts.qr", code=code, fmt="svg", _external=True),
            "qr_png_url": url_for("receipts.qr", code=code, fmt="png", _external=True),
            "slip_url": url_for("receipts.slip", code=code, _external=True)}


def _receipt_or_404(code: str, principal=None) -> dict:
    """The receipt ``code`` of the caller's unit (another unit's receipt is not found)."""
    canonical = codes.normalize(code)
    row = store.get_receipt(get_db(), canonical) if canonical else None
    return scope.own_or_404(row, principal)


# --- views ------------------------------------------------------------------------------

@bp.route("/")
@login_required(*STAFF_ROLES)
def index():
    """Receipts issued lately (an officer sees their own), with a dossier search."""
    db = get_db()
    q = (request.args.get("q") or "").strip()
    mine = None if g.user["role"] == "admin" else g.user["username"]
    rows = store.list_receipts(db, limit=200, issued_by=mine, unit=scope.list_unit())
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
    from kiosk.web.receipt_form import issue_view
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
                           counters=receipts.counters(db, row["unit"]))


@bp.route("/<code>/return", methods=["POST"])
@login_required(*STAFF_ROLES)
def returned(code):
    """"Trả kết quả": the tablet at this counter now asks about this dossier."""
    row = _receipt_or_404(code)
    db = get_db()
    counter, has_tablet = receipts.match_counter(db, (request.form.get("counter") or "")[:60], row["unit"])
    if state(row) == "used":
        flash(_("Mã phiếu này đã được dùng để đánh giá."), "error")
    elif mark_returned(db, row["code"], counter, g.user["username"],
                       current_app.config["RECEIPT_EXPIRY_DAYS"]):
        if counter:
            session["return_counter"] = counter
        if counter and has_tablet:
            flash(_("Đã ghi nhận trả kết quả tại {counter}. Máy tính bảng ở quầy này đang mời đánh giá.",
                    counter=counter), "ok")
        elif counter:
            flash(_("Đã ghi nhận trả kết quả tại {counter}. Quầy này không có máy tính bảng nên không có máy nào mời đánh giá; người dân có thể quét mã QR trên phiếu để đánh giá bằng điện thoại.",  # noqa: E501 (a translated message stays on one line)
                    counter=counter), "error")
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
    rows = [r for r in store.receipts_by_codes(get_db(), wanted) if scope.sees(r)]
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
                           typing_url=current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/r/",
                           back=url_for("receipts.detail", code=rows[0]["code"]) if len(rows) == 1
                           else url_for("receipts.index"))


@bp.route("/<code>/qr.<fmt>")
def qr(code, fmt):
    """The QR code alone, SVG or PNG, for staff and for the one-stop software's token."""
    who = api_principal()
    if who is None or who.role not in ("officer", "admin", "leader"):
        abort(401 if who is None else 403)
    row = _receipt_or_404(code, who)
    if fmt == "svg":
        svg = qr_svg(public_url(row["code"])).replace('class="qr" ', 'width="60mm" height="60mm" ')
        return Response(svg, mimetype="image/svg+xml")
    if fmt == "png":
        return Response(qr_png(public_url(row["code"])), mimetype="image/png")
    abort(404)
