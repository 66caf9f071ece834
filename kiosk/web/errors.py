"""Errors a person can read: JSON under /api/, a translated page elsewhere, never a trace."""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kiosk.web.i18n import _

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Ông/Bà không có quyền truy cập trang này.",
    404: "Không tìm thấy trang.",
    405: "Phương thức không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn.",
    429: "Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
    500: "Đã có lỗi xảy ra. Dữ liệu đã gửi không bị mất; vui lòng thử lại.",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 429: "too_many_requests", 500: "server_error"}


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    message = _(MESSAGES.get(status, MESSAGES[400]))
    if wants_json():
        return json_error(status, CODES.get(status, "error"), message)
    return render_template("error.html", status=status, message=message), status


def _handle_any(exc: Exception):
    # Logged with its trace for the administrator; the person sees a plain message.
    from flask import current_app
    current_app.logger.exception("Unhandled error on %s", request.path)
    if wants_json():
        return json_error(500, "server_error", _(MESSAGES[500]))
    return render_template("error.html", status=500, message=_(MESSAGES[500])), 500


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_any)
