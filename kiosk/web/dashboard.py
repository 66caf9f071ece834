"""The leaders' dashboard: each indicator against its target, trends, where it goes wrong.

Renders the one ``analysis.summarize`` dict that the API and the downloads use, so the
page and the files always agree.
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from werkzeug.datastructures import MultiDict

from analysis import monthly_trend, plain, summarize
from analysis.fmt import FLAG_VI, VERDICT_VI, WEEKDAYS_VI
from kiosk.clock import local_today, utcnow
from kiosk.domain import periods
from kiosk.web import charts, scope
from kiosk.web.auth import login_required
from kiosk.web.db import get_db
from kiosk.web.i18n import _, get_locale
from survey_forms import vocabulary

bp = Blueprint("dashboard", __name__, url_prefix="/admin/dashboard")

BREAKDOWNS = [("month", "Theo tháng"), ("quarter", "Theo quý"), ("field", "Theo lĩnh vực"),
              ("procedure", "Theo thủ tục"), ("officer", "Theo cán bộ"), ("counter", "Theo quầy"),
              ("channel", "Theo kênh")]
GROUPS = [(k, v.vi) for k, v in vocabulary.TOPIC_DETAILS.items()]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _sorted(rows: list[dict], key: str) -> list[dict]:
    if key == "n":
        return sorted(rows, key=lambda r: -r["n"])
    if key == "rate":
        return sorted(rows, key=lambda r: (r["rate"] is None, r["rate"] if r["rate"] is not None else 0))
    return rows


@bp.route("/")
@login_required("leader")
def index():
    """Indicators, trend, heat map, breakdowns and reasons for the chosen period."""
    today = local_today()
    try:
        start, end, preset = periods.from_args(request.args, today)
    except periods.BadPeriod as exc:
        flash(_("Kỳ báo cáo không hợp lệ: {reason}.", reason=_(str(exc))), "error")
        start, end, preset = periods.from_args(MultiDict(), today)
    exclude = request.args.get("include_flagged") != "1"  # the headline leaves flagged ratings out
    unit = scope.requested_unit()  # a unit's leader: their unit; province staff: ?unit= or the whole
    summary = summarize(get_db().conn, start, end, exclude_flagged=exclude, today=today, unit=unit)
    sort = request.args.get("sort", "")
    previous = {r["id"]: r for r in summary["previous"]["indicators"]}
    tthc = next((r for r in summary["indicators"] if r["id"] == "tthc_satisfaction"), None)
    download_args = {"from": start.isoformat(), "to": end.isoformat()}
    if not exclude:
        download_args["exclude_flagged"] = "0"
    if unit and scope.caller_unit() is None:
        download_args["unit"] = unit
    weekdays = WEEKDAYS_EN if get_locale() == "en" else WEEKDAYS_VI
    return render_template(
        "dashboard/index.html", s=summary, start=start, end=end, preset=preset, exclude=exclude,
        sort=sort, previous=previous, download_args=download_args,
        breakdowns=[(key, label, _sorted(summary["breakdowns"][key], sort)) for key, label in BREAKDOWNS],
        groups=GROUPS, charts=charts, tthc=tthc,
        trend=charts.trend(monthly_trend(get_db().conn, end, 12, exclude, unit), tthc["target"] if tthc else None,
                           lang=get_locale()),
        unit=unit, units=scope.units_for_picker(), unit_name=scope.config_for(unit)["COMMUNE_NAME"],
        plain_head=plain.headline(summary, lang=get_locale()), plain=plain,
        plain_more=[line for line in plain.sentences(summary, lang=get_locale(), with_data=True)
                    if line != plain.headline(summary, lang=get_locale())],
        heat=charts.heatmap(summary["hour_weekday"], weekdays),
        presets=periods.PRESET_LABELS, verdicts=VERDICT_VI, flag_names=FLAG_VI,
        silent=scope.silent_kiosks(unit, utcnow()),
    )
