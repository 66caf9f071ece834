"""Summary and downloads under /api/v1, for a signed-in leader or a leader token.

Every route computes the one ``analysis.summarize`` dict for the period, so the API,
the dashboard, the CLI and every file show the same numbers. Each download carries its
SHA-256 (``X-Content-SHA256``) and the head of the response hash chain it was computed
from, so a figure sent to the province can be checked against ``python -m kiosk verify``.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context

from analysis import summarize
from analysis.reports.csv import responses_csv_stream, summary_csv
from analysis.rows import AUDIENCES
from kiosk import memory, store
from kiosk.clock import local_today
from kiosk.domain import periods
from kiosk.web import scope
from kiosk.web.auth import api_principal
from kiosk.web.db import get_db
from kiosk.web.errors import json_error, pdf_apart
from kiosk.web.i18n import _

bp = Blueprint("reports", __name__, url_prefix="/api/v1")
READERS = ("leader", "admin")


def report_meta(unit: str | None = None) -> dict:
    """The heading of a report: the unit's ("ỦY BAN NHÂN DÂN XÃ …"), or for the whole of
    a server of several units the province body's."""
    return scope.report_meta(unit)


def period_summary(args):
    """(summary, None) or (None, error response) for the period and unit in ``args``
    (``?unit=``: see ``kiosk.web.scope.requested_unit``)."""
    unit = scope.requested_unit(g.reader)
    try:
        start, end, _preset = periods.from_args(args, local_today())
    except periods.BadPeriod as exc:
        return None, json_error(400, "bad_period", _("Kỳ báo cáo không hợp lệ: {reason}.", reason=_(str(exc))))
    summary = summarize(get_db().conn, start, end,
                        exclude_flagged=args.get("exclude_flagged", "1") not in ("0", "false", "no"),
                        today=local_today(), unit=unit)
    return summary, None


def _audience():
    """(audience, None) from ``?for=`` (absent: people; "systems": ids, codes and UTC), or
    (None, a 400 response) for anything else."""
    wanted = request.args.get("for") or "people"
    if wanted not in AUDIENCES:
        return None, json_error(400, "bad_audience", _("Tham số 'for' chỉ nhận giá trị 'systems'."))
    return wanted, None


@bp.before_request
def _readers_only():
    who = api_principal()
    if who is None:
        return json_error(401, "unauthorized", _("Cần đăng nhập hoặc mã truy cập của lãnh đạo."))
    if who.role not in READERS:
        return json_error(403, "forbidden", _("Chỉ lãnh đạo và quản trị viên được xem báo cáo."))
    g.reader = who


def _file(data: bytes, mimetype: str, name: str, summary: dict) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-SHA256"] = hashlib.sha256(data).hexdigest()
    _chain_headers(response, summary)
    return response


def _spooled_file(spool, mimetype: str, name: str, summary: dict) -> Response:
    """Like ``_file`` for a download written to a temporary file (a raw workbook of a
    province's year is tens of megabytes): hashed, then sent from disk in blocks, so the
    server's memory stays flat whatever the size."""
    digest = hashlib.sha256()
    for block in iter(lambda: spool.read(1 << 20), b""):
        digest.update(block)
    size = spool.tell()
    spool.seek(0)

    def blocks():  # closed when sent, or when the client goes away (the server closes it)
        with spool:
            yield from iter(lambda: spool.read(1 << 16), b"")

    response = Response(blocks(), mimetype=mimetype, direct_passthrough=True)
    response.call_on_close(spool.close)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-SHA256"] = digest.hexdigest()
    _chain_headers(response, summary)
    return response


def _chain_headers(response, summary):
    """Quote the head the figures were computed from, and record it (append-only) so that
    ``verify`` can later tell whether the data behind an issued file was changed."""
    chain = summary.get("chain") or {"seq": 0, "hash": ""}
    response.headers["X-Data-Chain"] = f"{chain.get('seq', 0)}:{chain.get('hash', '')}"
    if chain.get("seq"):
        period = summary.get("period") or {}
        store.record_report_head(get_db(), g.reader.name, request.path.rsplit("/", 1)[-1],
                                 period.get("from"), period.get("to"), chain, summary.get("unit"))


def _name(summary: dict, suffix: str) -> str:
    p = summary["period"]
    unit = f"_{summary['unit']}" if summary.get("unit") else ""
    return f"hai-long{unit}_{p['from']}_{p['to']}{suffix}"


@bp.route("/summary")
def summary_json():
    """Every figure of the period as JSON (shares 0–1)."""
    summary, error = period_summary(request.args)
    return error or jsonify(summary)


@bp.route("/summary.csv")
def summary_csv_download():
    """The indicators and breakdowns as CSV: for people by default (Vietnamese headings,
    "80,0%", ";"), ``?for=systems`` for programs (ids, shares 0–1 with a dot, ",")."""
    audience, error = _audience()
    summary, error = (None, error) if error else period_summary(request.args)
    if error:
        return error
    return _file(summary_csv(summary, audience), "text/csv", _name(summary, "_tong-hop.csv"), summary)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/report.xlsx")
def report_xlsx():
    """The Excel report: summary sheet and one sheet per breakdown (fast at any size; the
    responses themselves are a download of their own)."""
    from analysis.reports.xlsx import xlsx_report
    summary, error = period_summary(request.args)
    if error:
        return error
    return _file(xlsx_report(summary, meta=report_meta(summary["unit"])), XLSX, _name(summary, ".xlsx"), summary)


@bp.route("/export/responses.xlsx")
def responses_xlsx():
    """The report workbook plus a sheet with one row per response."""
    from analysis.reports.xlsx import xlsx_report_file
    audience, error = _audience()
    summary, error = (None, error) if error else period_summary(request.args)
    if error:
        return error
    spool = xlsx_report_file(summary, db=get_db().conn, meta=report_meta(summary["unit"]), audience=audience)
    memory.give_back()  # the rows and XML it made, tens of MB for a year (kiosk/memory.py)
    return _spooled_file(spool, XLSX, _name(summary, "_phieu.xlsx"), summary)


@bp.route("/report.pdf")
def report_pdf():
    """The administrative-style report (BÁO CÁO) as PDF."""
    summary, error = period_summary(request.args)
    if error:
        return error
    data = pdf_apart("pdf:pdf_report", summary, report_meta(summary["unit"]), issued=local_today())
    return _file(data, "application/pdf", _name(summary, ".pdf"), summary)


@bp.route("/export/responses.csv")
def responses_csv():
    """One row per response, streamed (UTF-8 with BOM, formula cells neutralised): for
    people by default (";", Vietnamese words, local times), ``?for=systems`` for programs."""
    audience, error = _audience()
    if error:
        return error
    unit = scope.requested_unit(g.reader)
    try:
        start, end, _preset = periods.from_args(request.args, local_today())
    except periods.BadPeriod as exc:
        return json_error(400, "bad_period", _("Kỳ báo cáo không hợp lệ: {reason}.", reason=_(str(exc))))
    exclude = request.args.get("exclude_flagged") in ("1", "true", "yes")
    path = current_app.config["DATABASE"]
    stream = responses_csv_stream(path, start, end, exclude, audience, unit)
    response = Response(stream_with_context(stream), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="hai-long{f"_{unit}" if unit else ""}_{start}_{end}_phieu.csv"')
    _chain_headers(response, {"chain": store.chain_head(get_db(), unit), "unit": unit,
                              "period": {"from": start.isoformat(), "to": end.isoformat()}})
    return response
