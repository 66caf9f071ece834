"""The public results board (bảng công khai kết quả): no sign-in, no personal data.

The resolution asks for publicity ("công khai, minh bạch"): this month's and this quarter's
figures per indicator, with n, the 95% interval and the verdict in plain Vietnamese, the
trend of the last months, a TV mode for the waiting area and an A4 poster for the notice
board. Only indicator figures and monthly counts of ``analysis`` reach these pages: never a
comment, a complaint, a phone number or an officer's name (officers' figures only when
PUBLIC_BOARD_OFFICERS is on). The headline leaves flagged ratings out.

Per unit (issue 15): ``/cong-khai/<unit code>`` is that commune's board, with its names
and only its ratings; ``/cong-khai/`` is the board of a single commune, or the list of the
communes' boards on a server of several.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from analysis import monthly_trend, plain, summarize
from kiosk import clock, store
from kiosk.clock import local, local_today
from kiosk.domain import periods
from kiosk.web import charts, scope
from kiosk.web.db import get_db
from kiosk.web.errors import pdf_apart

bp = Blueprint("public", __name__, url_prefix="/cong-khai")
# What a verdict means, for a citizen reading the board.
VERDICT_PLAIN = {"met": "Đạt", "not_met": "Chưa đạt", "uncertain": "Chưa đủ ý kiến", "no_data": "Chưa có ý kiến"}


def _enabled() -> None:
    if not current_app.config["PUBLIC_BOARD_ENABLED"]:
        abort(404)


def _public_row(row: dict) -> dict:
    """An indicator row with only the figures the board may show (nothing else can leak)."""
    keep = ("id", "name_vi", "n", "satisfied", "rate", "ci_low", "ci_high", "target", "target_2030",
            "verdict", "census", "pending")
    return {**{k: row.get(k) for k in keep}, "short": plain.SHORT_NAME.get(row["id"], row["name_vi"])}


def board_data(conn, config, today, unit: str | None = None) -> dict:
    """The board's figures: month and quarter to date, trend, optional officers; plain data
    only, so the page and the poster render the same thing. ``unit``: that unit's ratings
    (``config``: as that unit sees the settings); None: the whole installation."""
    periods_shown = []
    for key in ("month", "quarter"):
        start, end = periods.preset_range(key, today)
        s = summarize(conn, start, end, exclude_flagged=True, today=today, unit=unit)
        label = (f"Tháng {today.month:02d}/{today.year}" if key == "month"
                 else f"Quý {plain.ROMAN[(today.month - 1) // 3]}/{today.year}")
        rows = [_public_row(r) for r in s["indicators"]]
        periods_shown.append({
            "key": key, "label": label, "from": start, "to": end, "rows": rows,
            "sentences": [plain.sentence(r, label) for r in rows if r["verdict"] != "no_data"],
            "flagged": s["flagged"]["responses"], "demo": s["responses"]["demo"],
            "officers": ([{"label": r.get("label") or r.get("key"), "n": r["n"], "rate": r["rate"],
                           "ci_low": r["ci_low"], "ci_high": r["ci_high"]}
                          for r in s["breakdowns"].get("officer", []) if r.get("key")]
                         if config["PUBLIC_BOARD_OFFICERS"] else []),
            "formula": s["formula"]["vi"], "targets_version": s["targets_version"],
        })
    months = monthly_trend(conn, today, config["PUBLIC_BOARD_MONTHS"], exclude_flagged=True, unit=unit)
    target = next((r["target"] for r in periods_shown[0]["rows"] if r["id"] == "tthc_satisfaction"), None)
    return {"periods": periods_shown, "trend": months, "trend_target": target,
            "updated": local(clock.utcnow()).strftime("%H:%M ngày %d/%m/%Y"),
            "commune": config["COMMUNE_NAME"], "unit": config["UNIT_NAME"],
            "province": config["PROVINCE_NAME"], "code": unit}


def _unit_or_404(code: str | None) -> str | None:
    """The unit a board is about: ``code`` (unknown → 404), or without one the only unit
    (None when there are several: then ``/cong-khai/`` lists them)."""
    db = get_db()
    if code is None:
        return store.only_unit(db)
    if store.get_unit(db, code) is None:
        abort(404)
    return code


@bp.route("/")
@bp.route("/<unit>/")
def board(unit=None):
    """The results board; ``?tv=1`` for the waiting-room screen (large type, reloads itself)."""
    _enabled()
    unit = _unit_or_404(unit)
    if unit is None:
        return _unit_list()
    tv = request.args.get("tv") == "1"
    config = g.unit_config = scope.config_for(unit)
    data = board_data(get_db().conn, config, local_today(), unit)
    response = Response(render_template(
        "public/board.html", d=data, tv=tv, verdicts=VERDICT_PLAIN,
        refresh=current_app.config["PUBLIC_BOARD_REFRESH_SECONDS"],
        trend=charts.trend(data["trend"], data["trend_target"], *((1800, 250) if tv else (720, 220)))))
    response.headers["Cache-Control"] = "no-store"
    return response


def _unit_list():
    """Several communes on this server: a link to each one's board."""
    response = Response(render_template("public/units.html", units=store.list_units(get_db()),
                                        config=scope.config_for(None)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/poster.pdf")
@bp.route("/<unit>/poster.pdf")
def poster(unit=None):
    """The A4 poster for the notice board, with the same figures as the board."""
    _enabled()
    unit = _unit_or_404(unit)
    if unit is None:
        return redirect(url_for("public.board"))
    data = board_data(get_db().conn, scope.config_for(unit), local_today(), unit)
    response = Response(pdf_apart("poster:poster_pdf", data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="ket-qua-hai-long.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
