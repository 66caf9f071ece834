"""``/api/v1``: the JSON interface of DESIGN.md, used by the tablet and other systems."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from . import integrity, intake, store
from .auth import api_principal
from .db import get_db
from .errors import json_error
from .i18n import _

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)


@health.route("/healthz")
def healthz():
    """Liveness for monitors: ok when the database answers."""
    get_db().execute("SELECT 1").fetchone()
    return jsonify({"status": "ok"})


def _json_body():
    if not request.is_json:
        return None, json_error(400, "invalid_json", _("Nội dung phải là JSON (Content-Type: application/json)."))
    body = request.get_json(silent=True)
    if body is None:
        return None, json_error(400, "invalid_json", _("Nội dung JSON không đọc được."))
    return body, None


@bp.route("/responses", methods=["POST"])
def post_response():
    """Store one citizen response; retries with the same id never count twice."""
    who = api_principal()
    if who is None:
        return json_error(401, "not_enrolled", _(
            "Thiết bị chưa được đăng ký hoặc thiếu mã truy cập. Quản trị viên cần đăng ký máy tính bảng này."))
    if who["role"] not in ("kiosk", "officer"):
        return json_error(403, "forbidden", _("Mã truy cập này không được gửi đánh giá."))
    body, error = _json_body()
    if error:
        return error
    try:
        record, answers = intake.parse(body, channel_default="kiosk",
                                       window_days=current_app.config["OFFLINE_WINDOW_DAYS"],
                                       holidays=current_app.config["HOLIDAYS"])
    except intake.Invalid as exc:
        if exc.fields.get("complaint.phone") == "consent_required":
            return json_error(400, "consent_required", _(
                "Chỉ lưu số điện thoại khi Ông/Bà đồng ý (đánh dấu ô đồng ý)."), exc.fields)
        return json_error(400, "invalid", _("Dữ liệu đánh giá không hợp lệ."), exc.fields)
    db = get_db()
    kiosk = who.get("kiosk")
    if kiosk:
        record["kiosk"] = kiosk["name"]
        record["counter"] = kiosk["counter"]
        store.touch_kiosk(db, kiosk["id"])
    elif record["channel"] == "kiosk":
        record["kiosk"] = who["name"]
    try:
        status, row = store.save_response(
            db, record, answers, flagger=integrity.make_flagger(current_app.config, len(answers)))
    except store.ReceiptAlreadyUsed:
        return json_error(409, "receipt_used", _("Mã phiếu này đã được dùng để đánh giá."))
    if status == "created":
        return jsonify({"id": row["id"], "status": "created"}), 201
    if status == "duplicate":
        return jsonify({"id": row["id"], "status": "duplicate"}), 200
    return json_error(409, "conflict", _(
        "Mã đánh giá này đã được dùng cho một nội dung khác; bản đã lưu được giữ nguyên."))
