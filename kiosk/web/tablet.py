"""The counter tablet: one page whose script walks the citizen through the screens."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, render_template, url_for

from kiosk import clock, store
from kiosk.web import questionnaires, scope
from kiosk.web.auth import current_kiosk
from kiosk.web.db import get_db
from survey_forms import vocabulary

bp = Blueprint("tablet", __name__)


def _(text: str) -> str:
    """Marks a Vietnamese text for the catalogue (tests/test_translations.py finds it);
    both languages go to the page at once by ``client_strings``."""
    return text


# Every text the tablet's script shows, Vietnamese first; English from translations/en.toml.
# The page receives both (the citizen switches language without a reload): one catalogue.
# Topics (the reason groups) and complaint kinds come from survey_forms.vocabulary.
TEXTS = {
    "procedure": _("Thủ tục:"),
    "tap_face": _("Mời Ông/Bà chạm vào một khuôn mặt"),
    "redo_title": _("Mời Ông/Bà chọn lại khuôn mặt"),
    "ack": _("Cảm ơn Ông/Bà, đã ghi nhận"),
    "more": _("Ông/Bà có muốn trả lời thêm vài câu không?"),
    "progress": _("Câu hỏi {i}/{n} · không bắt buộc"),
    "back": _("Quay lại"),
    "redo": _("Chọn lại"),
    "skip": _("Bỏ qua"),
    "done": _("Xong"),
    "notmine": _("Đây không phải đánh giá của tôi"),
    "owner": _("Các câu hỏi thêm cho đánh giá “{label}”"),
    "other_label": _("Ông/Bà vui lòng ghi rõ"),
    "voice": _("Nghe đọc câu hỏi"),
    "keypad_open": _("Nhập mã phiếu / mã hồ sơ"),
    "keypad_hint": _("Mã in trên phiếu hẹn, ví dụ K7Q2-M9XD-A hoặc H15.50.05.13-261008-0975"),
    "keypad_check": _("Kiểm tra mã"),
    "keypad_del": _("Xóa"),
    "keypad_unknown": _("Không tìm thấy mã này. Xin Ông/Bà kiểm tra lại mã in trên phiếu."),
    "keypad_used": _("Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà!"),
    "keypad_expired": _("Mã này đã hết hạn đánh giá."),
    "keypad_wait": _("Đã thử quá nhiều lần. Xin Ông/Bà thử lại sau ít phút."),
    "keypad_offline": _("Chưa kiểm tra được mã lúc này. Ông/Bà vẫn có thể đánh giá bằng cách chạm vào một khuôn mặt."),
    "comment_label": _("Góp ý của Ông/Bà"),
    "comment_placeholder": _("Mời Ông/Bà nhập góp ý (không bắt buộc)"),
    "chars": _("{n}/{max} ký tự"),
    "thanks": _("Cảm ơn Ông/Bà!"),
    "thanks_text": _("Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn."),
    "thanks_cx": _("Phản ánh, kiến nghị của Ông/Bà sẽ được trả lời trong {n} ngày làm việc."),
    "thanks_code": _("Mã phản ánh của Ông/Bà: {code}. Xin ghi lại mã này để xem trả lời tại {url}."),
    "cx_need_text": _("Xin Ông/Bà ghi nội dung phản ánh, kiến nghị vào ô góp ý, để cơ quan biết cần trả lời điều gì."),  # noqa: E501
    "ne_title": _("Thiết bị chưa được đăng ký"),
    "ne_text": _("Máy tính bảng này chưa được đăng ký để nhận đánh giá. Quản trị viên cần đăng nhập trên chính máy này tại trang đăng ký thiết bị và đặt tên cho máy."),  # noqa: E501
    "ne_link": _("Mở trang đăng ký thiết bị"),
    "ne_keep": _("Các đánh giá đã nhận trên máy này vẫn được giữ lại và sẽ được gửi sau khi đăng ký."),
    "queue_title": _("{n} đánh giá đang chờ gửi"),
    "cx_toggle": _("Tôi muốn được phản hồi"),
    "cx_toggle_sub": _("Góp ý được gửi thành phản ánh, kiến nghị và được trả lời"),
    "cx_kind": _("Đây là"),
    "cx_topic": _("Về việc"),
    "cx_phone": _("Số điện thoại để được gọi lại (không bắt buộc)"),
    "cx_notice_title": _("Thông báo về số điện thoại"),
    "cx_notice_what": _("Lưu gì: chỉ số điện thoại Ông/Bà nhập ở trên, lưu riêng, không gắn với phiếu đánh giá."),
    "cx_notice_why": _("Để làm gì: chỉ để gọi lại cho Ông/Bà về phản ánh, kiến nghị này."),
    "cx_notice_who": _("Ai giữ: {unit}, UBND {commune}; chỉ cán bộ xử lý xem được."),
    "cx_notice_how_long": _("Bao lâu: đến khi phản ánh được giải quyết xong và thêm {days} ngày, sau đó tự động xóa."),
    "cx_notice_withdraw": _("Rút lại: báo tại quầy hoặc qua điện thoại bất cứ lúc nào; cán bộ xử lý xóa số ngay."),
    "cx_consent": _("Tôi đồng ý để lưu số điện thoại này theo thông báo trên."),
    "cx_need_consent": _("Số điện thoại chỉ được lưu khi Ông/Bà đánh dấu ô đồng ý. Xin Ông/Bà đánh dấu ô đồng ý, hoặc xóa số điện thoại nếu không muốn được gọi lại."),  # noqa: E501
    "cx_bad_phone": _("Số điện thoại chưa đúng. Xin Ông/Bà nhập số di động hoặc cố định, ví dụ 0912 345 678."),
}


def client_strings() -> dict:
    """{key: {"vi": ..., "en": ...}} of every tablet text, English from the catalogue."""
    en = current_app.extensions["i18n"].get("en", {})
    return {key: {"vi": vi, "en": en.get(vi, vi)} for key, vi in TEXTS.items()}


@bp.route("/")
def index():
    """The welcome screen with the five faces (or the not-enrolled notice)."""
    kiosk = current_kiosk()
    cfg = g.unit_config = scope.config_for(kiosk.get("unit") if kiosk else None)  # its commune's names
    q = questionnaires.tablet()
    data = {
        "enrolled": kiosk is not None,
        "kiosk_name": kiosk["name"] if kiosk else None,
        "commune_name": cfg["COMMUNE_NAME"],
        "unit_name": cfg["UNIT_NAME"],
        "questionnaire": q.to_client(),
        "strings": client_strings(),
        "vocabulary": vocabulary.for_client(),
        "settings": {
            "idle_seconds": int(cfg["IDLE_SECONDS"]),
            "thanks_seconds": int(cfg["THANKS_SECONDS"]),
            "voice": bool(cfg["TABLET_VOICE"]),
            "api_url": url_for("api.post_response"),
            "state_url": url_for("tablet.state"),
            "status_url": url_for("api.get_receipt_status", code="CODE"),
            "enrol_url": url_for("auth.enrol"),
            "sw_url": url_for("tablet.service_worker"),
            "complaint_url": cfg["PUBLIC_BASE_URL"] + url_for("phone.complaint_enter"),
        },
    }
    return render_template("tablet/index.html", data=data, **data)


@bp.route("/sw.js")
def service_worker():
    """The tablet's service worker, served from the root so that it may cover the page "/"."""
    # Read whole (a few KB) rather than streamed: a streamed file stays open until the
    # client reads it to the end, which a client that gives up never does.
    script = (Path(current_app.static_folder) / "tablet" / "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/tablet/state")
def state():
    """What the tablet should show now: the dossier being returned at its counter, if any."""
    kiosk = current_kiosk()
    if kiosk is None:
        return jsonify({"error": {"code": "not_enrolled", "message": "not enrolled"}}), 401
    db = get_db()
    store.touch_kiosk(db, kiosk)
    pending = None
    if kiosk["counter"]:
        now = clock.utcnow()
        since = now - timedelta(minutes=current_app.config["RETURN_BINDING_MINUTES"])
        pending = store.pending_return(db, kiosk["counter"], since, now, kiosk.get("unit"))
    if pending is None:
        return jsonify({"receipt": None, "procedure_name": None})
    # Only the procedure's name: never the dossier, the citizen or the officer.
    return jsonify({"receipt": pending["code"],
                    "procedure_name": pending["procedure_name"] or pending["procedure_code"]})
