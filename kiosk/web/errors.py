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
    500: "Đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.",
}
# What is true after a failure, by who meets it. The tablet keeps every rating in its queue
# until the server confirms it; a form sent from a page (the phone form) was not saved.
FAILED_API = ("Máy chủ gặp lỗi và chưa lưu yêu cầu này. Máy tính bảng giữ đánh giá và sẽ tự gửi lại; "
              "hệ thống khác cần gửi lại sau.")
FAILED_FORM = "Đã có lỗi xảy ra: nội dung Ông/Bà vừa gửi chưa được lưu. Vui lòng thử lại sau ít phút."
STORAGE_API = ("Máy chủ không ghi được dữ liệu (ổ đĩa đầy hoặc chỉ đọc). Máy tính bảng giữ đánh giá và "
               "sẽ tự gửi lại khi máy chủ ghi được.")
STORAGE_PAGE = ("Hệ thống tạm thời không ghi được dữ liệu: nội dung Ông/Bà vừa gửi chưa được lưu. "
                "Vui lòng thử lại sau ít phút, hoặc đánh giá tại máy tính bảng ở quầy.")
BUSY = "Máy chủ đang làm các báo cáo PDF khác. Vui lòng thử lại sau một phút."
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 429: "too_many_requests", 500: "server_error"}


class Refused(HTTPException):
    """An HTTP error with a translated message of its own (JSON under /api/, a page
    elsewhere), e.g. 403 "Ông/Bà chỉ được xem … dữ liệu của đơn vị mình"."""

    def __init__(self, status: int, message: str, error_code: str | None = None):
        super().__init__(description=message)
        self.code = status
        self.message = message
        self.error_code = error_code or CODES.get(status, "error")


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def pdf_apart(writer: str, *args, **kwargs) -> bytes:
    """A PDF made in a process of its own (``analysis/reports/apart.py``, so the server does
    not keep fpdf2's memory); 503 "try again in a minute" while too many are being made."""
    from analysis.reports.apart import Busy, render
    try:
        return render(writer, *args, **kwargs)
    except Busy:
        raise Refused(503, _(BUSY), "busy") from None


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    message = getattr(exc, "message", None) or _(MESSAGES.get(status, MESSAGES[400]))
    if wants_json():
        return json_error(status, getattr(exc, "error_code", None) or CODES.get(status, "error"), message)
    return render_template("error.html", status=status, message=message), status


def _storage_failure(exc: Exception) -> bool:
    """SQLite could not write: a full disk, a read-only file, an I/O error."""
    import sqlite3
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and any(
        w in text for w in ("full", "readonly", "read-only", "disk i/o", "unable to open"))


def _handle_any(exc: Exception):
    # Logged with its trace for the administrator; the person sees what is true.
    from flask import current_app
    current_app.logger.exception("Unhandled error on %s", request.path)
    if _storage_failure(exc):
        if wants_json():
            return json_error(503, "storage_unavailable", _(STORAGE_API))
        return render_template("error.html", status=503, message=_(STORAGE_PAGE)), 503
    if wants_json():
        return json_error(500, "server_error", _(FAILED_API))
    message = FAILED_FORM if request.method == "POST" else MESSAGES[500]
    return render_template("error.html", status=500, message=_(message)), 500


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_any)
