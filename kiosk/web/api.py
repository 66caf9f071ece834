"""``/api/v1``: the JSON interface of DESIGN.md, used by the tablet and other systems."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from kiosk import store
from kiosk.domain import text
from kiosk.domain.submit import Status, submit
from kiosk.web import questionnaires, scope
from kiosk.web.auth import api_principal
from kiosk.web.db import get_db
from kiosk.web.errors import json_error
from kiosk.web.i18n import _
from kiosk.web.throttles import guess_throttle

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)


@health.route("/healthz")
def healthz():
    """For monitors and the tablet: ok only when the database answers *and* takes a write
    (a full disk or a read-only file used to leave this "ok" while every rating failed);
    otherwise 503 with the reason."""
    from kiosk.domain import health as health_rules
    problem = health_rules.problem(current_app.config["DATABASE"])
    if problem:
        return jsonify({"status": "error", "reason": problem}), 503
    return jsonify({"status": "ok"})


def read_json(clean: bool = True):
    """The request's JSON body, cleaned by the one normaliser (``clean``; a rating is
    cleaned by ``submit`` itself), or an error answer.

    Every JSON the API reads comes through here: not JSON, unreadable, nested deeper than
    anything honest (50,000 levels used to end in RecursionError) or holding a lone
    surrogate (not text; it used to fail in the hash) → 400 naming the problem. A body over
    ``MAX_CONTENT_LENGTH`` is refused with 413 before it is read."""
    if not request.is_json:
        return None, json_error(400, "invalid_json", _("Nội dung phải là JSON (Content-Type: application/json)."))
    try:
        body = json.loads(request.get_data(cache=True))
    except RecursionError:
        return None, json_error(400, "invalid_json", _("Nội dung JSON lồng nhau quá sâu."),
                                {"body": f"nested deeper than {text.MAX_DEPTH} levels"})
    except ValueError:  # includes bytes that are not UTF-8
        return None, json_error(400, "invalid_json", _("Nội dung JSON không đọc được."))
    problem = text.json_problem(body)
    if problem:
        return None, json_error(400, "invalid_json", _("Nội dung JSON có ký tự hoặc cấu trúc không hợp lệ."),
                                {"body": problem})
    return (text.deep_clean(body) if clean else body), None


@bp.route("/responses", methods=["POST"])
def post_response():
    """Store one citizen response; retries with the same id never count twice."""
    who = api_principal()
    if who is None:
        return json_error(401, "not_enrolled", _(
            "Thiết bị chưa được đăng ký hoặc thiếu mã truy cập. Quản trị viên cần đăng ký máy tính bảng này."))
    if who.role != "kiosk":  # officers and leaders never rate: only tablets and kiosk tokens
        return json_error(403, "forbidden", _("Mã truy cập này không được gửi đánh giá."))
    if guess_throttle().blocked(who.key):
        return json_error(429, "too_many_requests", _("Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."))
    body, error = read_json(clean=False)
    if error:
        return error
    outcome = submit(get_db(), body, principal=who, settings=current_app.config, forms=questionnaires.forms())
    if outcome.status is Status.RECEIPT_UNKNOWN:  # guessing codes is throttled as on /r/
        guess_throttle().fail(who.key)
    return _answer(outcome)


def _answer(outcome):
    """The HTTP answer for each outcome of the submission service."""
    if outcome.stored:
        out = {"id": outcome.row["id"], "status": outcome.status.value}
        if outcome.complaint_code:  # the citizen's own code: shown on the tablet's thanks screen
            out["complaint_code"] = outcome.complaint_code
        return jsonify(out), 201 if outcome.status is Status.CREATED else 200
    if outcome.status is Status.CONFLICT:
        return json_error(409, "conflict", _(
            "Mã đánh giá này đã được dùng cho một nội dung khác; bản đã lưu được giữ nguyên."))
    if outcome.status is Status.RECEIPT_USED:
        return json_error(409, "receipt_used", _("Mã phiếu này đã được dùng để đánh giá."))
    if outcome.status in (Status.RECEIPT_UNKNOWN, Status.RECEIPT_EXPIRED):
        reason = "unknown receipt code" if outcome.status is Status.RECEIPT_UNKNOWN else "receipt code has expired"
        return json_error(400, "invalid_receipt", _("Mã phiếu không có hoặc đã hết hạn."), {"receipt": reason})
    if outcome.status is Status.WRONG_CHANNEL:
        return json_error(400, "wrong_channel", _(
            "Máy tính bảng và mã truy cập của quầy chỉ gửi đánh giá tại quầy; đánh giá qua điện thoại chỉ gửi từ trang của mã QR."),  # noqa: E501 (a translated message stays on one line)
            outcome.fields)
    if outcome.fields.get("complaint.phone") == "consent_required":
        return json_error(400, "consent_required", _(
            "Chỉ lưu số điện thoại khi Ông/Bà đồng ý (đánh dấu ô đồng ý)."), outcome.fields)
    return json_error(400, "invalid", _("Dữ liệu đánh giá không hợp lệ."), outcome.fields)


# --- receipts (for the one-stop software) -------------------------------------------------

UNIT_REQUIRED = "Máy chủ này phục vụ nhiều đơn vị: dùng mã truy cập của đơn vị để cấp mã phiếu."


def _officer_token():
    who = api_principal()
    if who is None:
        return None, json_error(401, "unauthorized", _("Thiếu mã truy cập hoặc mã không hợp lệ."))
    if who.role not in ("officer", "admin"):
        return None, json_error(403, "forbidden", _("Chỉ cán bộ tiếp nhận mới được cấp mã phiếu."))
    return who, None


@bp.route("/receipts", methods=["POST"])
def post_receipt():
    """Issue a one-time receipt code for a dossier (officer token)."""
    from kiosk.domain import receipts
    from kiosk.web.receipts import urls
    who, error = _officer_token()
    if error:
        return error
    body, error = read_json()
    if error:
        return error
    db = get_db()
    if who.unit is None and store.only_unit(db) is None:  # a receipt belongs to one commune
        return json_error(400, "unit_required", _(UNIT_REQUIRED))
    try:
        row, created = receipts.issue(db, receipts.validate_issue(db, body, who.unit), who.name,
                                      current_app.config["RECEIPT_EXPIRY_DAYS"], who.unit)
    except receipts.Invalid as exc:
        return json_error(400, "invalid", _("Dữ liệu phiếu không hợp lệ."), exc.fields)
    out = dict(urls(row["code"]), status="created" if created else "existing",
               expires_at=row["expires_at"])
    return jsonify(out), 201 if created else 200


@bp.route("/receipts/<code>/return", methods=["POST"])
def post_receipt_return(code):
    """"Trả kết quả" from the one-stop software: ``{"counter": "Quầy 1"}`` (optional)."""
    from kiosk.domain import codes, receipts
    who, error = _officer_token()
    if error:
        return error
    body = {}
    if request.is_json and request.get_data(cache=True):
        body, error = read_json()
        if error:
            return error
    counter = body.get("counter") if isinstance(body, dict) else None
    if counter is not None and (not isinstance(counter, str) or len(text.line(counter)) > 60):
        return json_error(400, "invalid", _("Dữ liệu phiếu không hợp lệ."), {"counter": "must be text"})
    db = get_db()
    canonical = codes.normalize(code)
    row = store.get_receipt(db, canonical) if canonical else None
    if not scope.sees(row, who):  # another commune's receipt is not found
        return json_error(404, "not_found", _("Không tìm thấy mã phiếu."))
    counter, has_tablet = receipts.match_counter(db, counter, row["unit"])
    if not receipts.mark_returned(db, row["code"], counter or None, who.name,
                                  current_app.config["RECEIPT_EXPIRY_DAYS"]):
        return json_error(409, "receipt_used", _("Mã phiếu này đã được dùng để đánh giá."))
    row = store.get_receipt(db, row["code"])
    return jsonify({"code": row["code"], "returned_at": row["returned_at"], "counter": row["counter"],
                    "expires_at": row["expires_at"], "tablet_at_counter": has_tablet})


@bp.route("/receipts/<code>/status")
def get_receipt_status(code):
    """Whether a typed or scanned code can be rated now, for the counter tablet (kiosk) or
    the one-stop software: ``{"code", "status": open|used|expired|unknown, "procedure_name"}``.
    ``code`` may be a receipt code or a dossier code; the answer names the receipt code.
    Nothing about the dossier or the citizen; unknown codes count toward the guess limit."""
    from kiosk.domain import codes, receipts
    who = api_principal()
    if who is None:
        return json_error(401, "unauthorized", _("Thiếu mã truy cập hoặc mã không hợp lệ."))
    if who.role not in ("kiosk", "officer", "admin"):
        return json_error(403, "forbidden", _("Ông/Bà không có quyền truy cập trang này."))
    key = who.key
    if guess_throttle().blocked(key):
        return json_error(429, "too_many_requests", _("Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."))
    db = get_db()
    canonical = codes.normalize(code)
    row = store.get_receipt(db, canonical) if canonical else None
    if row is not None and not scope.sees(row, who):
        row = None  # another commune's receipt is unknown here
    if row is None and codes.plausible_dossier_code(code):
        # the dossier code printed on the receipt (mã hồ sơ), typed on the tablet's keypad:
        # its receipt binds the rating exactly as the receipt code would
        row = store.latest_receipt_of_dossier(db, code.strip(), who.unit)
    status = receipts.state(row)
    if status == "unknown":
        guess_throttle().fail(key)
    return jsonify({"code": row["code"] if row else None, "status": status,
                    "procedure_name": (row["procedure_name"] or row["procedure_code"])
                    if status == "open" else None})
