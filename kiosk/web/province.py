"""The province's view of its communes: the league table as JSON, as a page and as files.

Only province callers (a leader or admin account, or a leader token, of no single unit:
``Principal.unit`` None) may compare communes; a commune's own staff get 403, as they do
for another commune's figures. The table is ``analysis.league`` over ``analysis.by_unit``:
ranked only as far as the data allows (see ``analysis/league.py``).
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, flash, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from analysis.by_unit import units_summary
from analysis.fmt import VERDICT_VI
from analysis.league import SORT_KEYS, league, rank_label, sort_rows
from kiosk import store
from kiosk.clock import local_today
from kiosk.domain import periods
from kiosk.web import charts, scope
from kiosk.web.auth import api_principal, login_required
from kiosk.web.db import get_db
from kiosk.web.errors import json_error, pdf_apart
from kiosk.web.i18n import _

bp = Blueprint("province", __name__)
READERS = ("leader", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(args):
    """(units summary, league, None) for the period and indicator in ``args``, or
    (None, None, error message) for a period that cannot be read."""
    try:
        start, end, _preset = periods.from_args(args, local_today())
    except periods.BadPeriod as exc:
        return None, None, _("Kỳ báo cáo không hợp lệ: {reason}.", reason=_(str(exc)))
    db = get_db()
    units = [{"code": u["code"], "name": u["name"]} for u in store.list_units(db)]
    exclude = args.get("exclude_flagged", "1") not in ("0", "false", "no")
    data = units_summary(db.conn, start, end, units, exclude_flagged=exclude, today=local_today())
    ids = [r["id"] for u in data["units"][:1] for r in u["indicators"]]
    wanted = args.get("indicator")
    cfg = current_app.config
    table = league(data["units"], wanted if wanted in ids else None,
                   min_n=cfg["LEAGUE_MIN_RATINGS"], weight=cfg["LEAGUE_PRIOR_WEIGHT"])
    return data, table, None


def _province_reader():
    """The API caller if it may read the league, else (None, an error response)."""
    who = api_principal()
    if who is None:
        return None, json_error(401, "unauthorized", _("Cần đăng nhập hoặc mã truy cập của lãnh đạo."))
    if who.role not in READERS:
        return None, json_error(403, "forbidden", _("Chỉ lãnh đạo và quản trị viên được xem báo cáo."))
    if scope.caller_unit(who) is not None:
        return None, json_error(403, "forbidden", _("Chỉ cán bộ cấp tỉnh được so sánh các đơn vị."))
    return who, None


@bp.route("/api/v1/summary/units")
def units_json():
    """Every unit's indicators for the period, and the league of one indicator (province
    callers only): ``{"period", "units": [{"code", "name", "indicators"}], "league"}``."""
    who, data, table, error = _league()
    if error:
        return error
    return jsonify({**data, "league": table})


def _league():
    """(caller, units data, league table, None) for a province caller with a good period,
    else (None, None, None, the error response): the JSON and both downloads start here."""
    who, error = _province_reader()
    if error:
        return None, None, None, error
    data, table, problem = _table(request.args)
    if problem:
        return None, None, None, json_error(400, "bad_period", problem)
    return who, data, table, None


def _download(kind: str):
    who, data, table, error = _league()
    if error:
        return error
    meta = scope.report_meta(None)  # the province body's heading ("ỦY BAN NHÂN DÂN TỈNH …")
    if kind == "xlsx":
        from analysis.reports.league import xlsx_league
        body, mimetype = xlsx_league(table, data["period"], meta, demo=data["demo"]), XLSX
    else:
        body = pdf_apart("league_pdf:pdf_league", table, data["period"], meta, issued=local_today(), demo=data["demo"])
        mimetype = "application/pdf"
    p = data["period"]
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="hai-long_don-vi_{p["from"]}_{p["to"]}.{kind}"'
    response.headers["X-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    head = store.chain_head(get_db())
    response.headers["X-Data-Chain"] = f"{head['seq']}:{head['hash']}"
    if head["seq"]:
        store.record_report_head(get_db(), who.name, f"units.{kind}", p["from"], p["to"], head)
    return response


@bp.route("/api/v1/summary/units.xlsx")
def units_xlsx():
    """The league table as an Excel sheet (province callers only)."""
    return _download("xlsx")


@bp.route("/api/v1/summary/units.pdf")
def units_pdf():
    """The league table as a printed report (province callers only)."""
    return _download("pdf")


@bp.route("/admin/province/")
@login_required("leader")
def page():
    """The province dashboard: each commune's rate, interval, verdict and n, sortable."""
    if scope.caller_unit() is not None:
        abort(403)
    args = request.args
    data, table, problem = _table(args)
    if problem:
        flash(problem, "error")
        args = MultiDict()
        data, table, problem = _table(args)
    start, end, preset = periods.from_args(args, local_today())
    key = args.get("sort") if args.get("sort") in SORT_KEYS else "position"
    descending = args.get("dir") == "desc"
    download = {"from": start.isoformat(), "to": end.isoformat(), "indicator": table["indicator"]}
    return render_template(
        "province/index.html", data=data, table=table, rows=sort_rows(table["rows"], key, descending),
        sort=key, descending=descending, start=start, end=end, preset=preset, download=download,
        indicators=[(r["id"], r["name_vi"], r["name_en"]) for u in data["units"][:1] for r in u["indicators"]],
        presets=periods.PRESET_LABELS, verdicts=VERDICT_VI, rank_label=rank_label, charts=charts)
