"""``/r/<code>``: the citizen's own phone, reached from the QR code on the receipt.

Plain HTML forms (no script) in short screens ("Bước 2/4", see ``phone_steps``), one small
stylesheet, Vietnamese first with English one tap away. A code works once: the first
response bound to it (from here or from the counter tablet) wins, atomically in
``store.save_response``. Unknown, used and expired codes get a friendly page that shows
nothing about any dossier; guessing is throttled per address.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.validators import Length, Optional

from kiosk import clock, store
from kiosk.domain import codes
from kiosk.domain.complaints import KINDS, TOPICS
from kiosk.domain.principals import PHONE
from kiosk.domain.submit import Status, submit
from kiosk.web import phone_steps as steps
from kiosk.web import questionnaires, scope
from kiosk.web.db import get_db
from kiosk.web.i18n import _, get_locale
from kiosk.web.throttles import guess_throttle
from survey_forms import vocabulary
from survey_forms.forms import answers_from_form, build_form, choice_list

bp = Blueprint("phone", __name__)
NOTICES = {  # kind → (HTTP status, title, explanation)
    "unknown": (404, "Không tìm thấy mã phiếu",
                "Mã này không có trong hệ thống. Ông/Bà kiểm tra lại mã in trên phiếu hẹn, hoặc quét lại mã QR."),
    "used": (410, "Mã phiếu đã được dùng",
             "Mỗi mã phiếu chỉ dùng để đánh giá một lần, và mã này đã được dùng (trên điện thoại hoặc tại máy tính bảng ở quầy). Cảm ơn Ông/Bà."),  # noqa: E501 (a translated message stays on one line)
    "expired": (410, "Mã phiếu đã hết hạn",
                "Mã phiếu chỉ dùng được trong {days} ngày sau khi trả kết quả. Ông/Bà vẫn có thể đánh giá tại máy tính bảng ở quầy."),  # noqa: E501 (a translated message stays on one line)
    "throttled": (429, "Thử quá nhiều mã",
                  "Thiết bị này đã nhập quá nhiều mã không đúng. Vui lòng thử lại sau ít phút."),
}


def _notice(kind: str):
    status, title, text = NOTICES[kind]
    return render_template("phone/notice.html", kind=kind, title=_(title),
                           text=_(text, days=current_app.config["RECEIPT_EXPIRY_DAYS"])), status


# What a complaint is about and what kind it is, as the citizen reads them.
KIND_LABELS = {k: v.vi for k, v in vocabulary.COMPLAINT_KINDS.items()}
TOPIC_LABELS = {k: v.vi for k, v in vocabulary.TOPICS.items()}
STATUS_LABELS = {k: v.vi for k, v in vocabulary.COMPLAINT_STATUSES.items()}


def _complaint_fields() -> dict:
    """The optional "Tôi muốn được phản hồi" part: nothing ticked or chosen beforehand."""
    return {
        "want_reply": BooleanField(),
        "cx_kind": RadioField(choices=choice_list([(k, _(KIND_LABELS[k])) for k in KINDS]),
                              validators=[Optional()], default=None),
        "cx_topic": RadioField(choices=choice_list([(t, _(TOPIC_LABELS[t])) for t in TOPICS]),
                               validators=[Optional()], default=None),
        "cx_phone": StringField(validators=[Optional(), Length(max=20, message=_(
            "Số điện thoại chưa đúng. Xin Ông/Bà nhập số di động hoặc cố định, ví dụ 0912 345 678."))]),
        "cx_consent": BooleanField(),
    }


def _form_class(q, lang):
    cache = current_app.extensions.setdefault("phone_forms", {})
    key = (q.id, q.version, lang)
    if key not in cache:
        base = build_form(q, lang)
        cache[key] = type(base.__name__, (base,), {"rid": HiddenField(), **_complaint_fields()})
    return cache[key]


def complaint_from_form(form) -> dict | None:
    """The ``complaint`` object of the response body, or None when "Tôi muốn được phản hồi"
    is not ticked (then nothing typed in that part is kept). A phone number goes in as typed,
    so that the intake refuses it without consent, exactly as for the API."""
    if not form.want_reply.data:
        return None
    complaint = {"topic": form.cx_topic.data or "other", "kind": form.cx_kind.data or "complaint",
                 "consent": bool(form.cx_consent.data)}
    phone = (form.cx_phone.data or "").strip()
    if phone:
        complaint["phone"] = phone
    return complaint


def _entry(kind: str, error: str | None = None, status: int = 200):
    """The page where a citizen types a code: the receipt's or a complaint's own."""
    receipt = kind == "receipt"
    page = render_template(
        "phone/enter.html", error=error,
        testid="enter-code" if receipt else "enter-complaint-code",
        title=_("Nhập mã phiếu") if receipt else _("Xem trả lời phản ánh, kiến nghị"),
        intro=_("Mã in dưới mã QR trên giấy tiếp nhận hồ sơ và hẹn trả kết quả.") if receipt
        else _("Nhập mã phản ánh Ông/Bà nhận được khi gửi phản ánh, kiến nghị."),
        label=_("Mã phiếu") if receipt else _("Mã phản ánh"),
        action=url_for("phone.enter" if receipt else "phone.complaint_enter"))
    return page, status


def _typed(kind: str, endpoint: str, malformed: str):
    """``?code=`` typed on an entry page: to its page if it can be a code, else say why."""
    typed = request.args.get("code")
    if typed is None:
        return _entry(kind)
    canonical = codes.normalize(typed)
    if canonical:
        return redirect(url_for(endpoint, code=canonical))
    return _entry(kind, malformed, 400)


@bp.route("/r/")
def enter():
    """Type the code printed on the receipt (for a phone that cannot scan)."""
    return _typed("receipt", "phone.form", _("Mã phiếu gồm 9 chữ và số, ví dụ ABCD-EFGH-J."))


@bp.route("/r/thanks")
def thanks():
    """After a phone submission (a redirect, so reloading never posts twice)."""
    return render_template("phone/notice.html", kind="thanks", title=_("Cảm ơn Ông/Bà!"),
                           text=_("Ý kiến của Ông/Bà đã được ghi nhận và giúp chúng tôi phục vụ tốt hơn."))


@bp.route("/r/<code>", methods=["GET", "POST"])
def form(code):
    """The phone questionnaire for one receipt, usable once."""
    addr = request.remote_addr or "?"
    if guess_throttle().blocked(addr):
        return _notice("throttled")
    db = get_db()
    canonical = codes.normalize(code)
    row = store.get_receipt(db, canonical) if canonical else None
    if row is not None:
        g.unit_config = scope.config_for(row["unit"])  # the page names the receipt's commune
    status = store.receipt_state(row, clock.utcnow())
    if status == "unknown":
        guess_throttle().fail(addr)
        return _notice("unknown")
    if status == "used":
        complaint = store.complaint_for_receipt(db, canonical)
        if complaint is not None:
            return _complaint_status(complaint, by_receipt=codes.display(canonical))
    if status != "open":
        return _notice(status)
    if code != canonical:
        # Only the language travels: request.args may hold "code", "_method" or "_external",
        # which url_for would take as its own arguments (that was a 500).
        lang = request.args.get("lang")
        return redirect(url_for("phone.form", code=canonical, **({"lang": lang} if lang else {})))
    q = questionnaires.phone()
    lang = get_locale()
    form = _form_class(q, lang)()
    if request.method == "GET":
        form.rid.data = str(uuid.uuid4())
        return _screen(q, form, row, 0, canonical)
    # A form without "go" is a whole one-page form (a page opened before this release): sent.
    go, step = request.form.get("go", "send"), _step(request.form.get("step"))
    if go not in ("next", "send"):  # "back" (anything else: the same screen again), never a send
        return _screen(q, form, row, step - 1 if go == "back" else step, canonical)
    valid = form.validate()
    stale = getattr(form, "csrf_token", None) is not None and bool(form.csrf_token.errors)
    wrong = [name for name, errs in form.errors.items() if errs and name != "csrf_token"]
    if go == "next":
        if stale:  # only sending writes; a stale page still moves on, and sends with a fresh token
            form.csrf_token.errors = []
        here = steps.screen(q, form, row, step)
        shown = {x.id for x in here.questions} | (set(steps.COMPLAINT_FIELDS) if here.with_complaint else set())
        if not wrong:
            return _screen(q, form, row, step + 1, canonical)
        at = step if shown & set(wrong) else steps.screen_of(q, form, row, wrong)
        return _screen(q, form, row, step if at is None else at, canonical,
                       _("Vui lòng trả lời câu hỏi được đánh dấu bên dưới."))
    if valid:
        complaint = complaint_from_form(form)
        outcome, fields, complaint_code = _save(db, q, form, canonical, complaint, steps.not_asked(q, form, row))
        if outcome in ("created", "duplicate"):
            if complaint_code:  # the complaint's own page: its code is the citizen's alone
                return redirect(url_for("phone.complaint", code=complaint_code, sent=1))
            return redirect(url_for("phone.thanks"))
        if outcome in ("used", "expired", "unknown"):
            return _notice(outcome)
        problem = _contact_problem(form, fields) or _("Câu trả lời chưa hợp lệ; vui lòng xem lại.")
        at = steps.screen_of(q, form, row, [_form_field(f) for f in fields])
    elif stale and not wrong:
        problem, at = _("Phiên làm việc đã hết hạn. Vui lòng bấm Gửi lại."), step
        form.csrf_token.errors = []
    else:
        problem = _("Vui lòng trả lời câu hỏi được đánh dấu bên dưới.")
        at = steps.screen_of(q, form, row, wrong)
    return _screen(q, form, row, step if at is None else at, canonical, problem)


def _form_field(name: str) -> str:
    """The form field behind an intake error's name: "answers.visits" → "visits",
    "complaint.phone" → the complaint part (on the comment's screen)."""
    if name.startswith("answers."):
        return name.split(".", 1)[1]
    return "want_reply" if name.startswith("complaint") else name


def _step(raw) -> int:
    try:
        return max(int(raw or 0), 0)
    except ValueError:
        return 0


def _screen(q, form, row, index: int, code: str, problem: str | None = None):
    """One screen of the form ("Bước 2/4"), the other screens' answers carried hidden."""
    return render_template("phone/form.html", q=q, form=form, lang=get_locale(), problem=problem,
                           screen=steps.screen(q, form, row, index), procedure=row["procedure_name"],
                           display=codes.display(code),
                           retention_days=current_app.config["CONTACT_RETENTION_DAYS"])


def _contact_problem(form, fields: dict) -> str | None:
    """A friendly message (and the field's own error) when the phone number was refused:
    typed without consent, or not a phone number. The number is not stored either way."""
    if "complaint.text" in fields:
        message = _("Xin Ông/Bà ghi nội dung phản ánh, kiến nghị vào ô góp ý, để cơ quan biết cần trả lời điều gì.")
        if "comment" in form:
            form["comment"].errors = [message]
        return message
    error = fields.get("complaint.phone")
    if error is None:
        return None
    if error == "consent_required":
        message = _("Số điện thoại chỉ được lưu khi Ông/Bà đánh dấu ô “Tôi đồng ý”. Xin Ông/Bà đánh dấu ô đồng ý, hoặc xóa số điện thoại nếu không muốn được gọi lại.")  # noqa: E501 (a translated message stays on one line)
        form.cx_consent.errors = [message]
    else:
        message = _("Số điện thoại chưa đúng. Xin Ông/Bà nhập số di động hoặc cố định, ví dụ 0912 345 678.")
        form.cx_phone.errors = [message]
    return message


@bp.route("/phan-anh/")
def complaint_enter():
    """Type the complaint's own code (given when it was sent) to read its reply."""
    return _typed("complaint", "phone.complaint", _("Mã phản ánh gồm 9 chữ và số, ví dụ ABCD-EFGH-J."))


@bp.route("/phan-anh/<code>")
def complaint(code):
    """A complaint's status and reply, for whoever holds its own code (the citizen who sent
    it). Unknown codes count toward the guessing limit, as receipt codes do."""
    addr = request.remote_addr or "?"
    if guess_throttle().blocked(addr):
        return _notice("throttled")
    canonical = codes.normalize(code)
    found = store.complaint_by_code(get_db(), canonical) if canonical else None
    if found is None:
        guess_throttle().fail(addr)
        return _entry("complaint", _("Không tìm thấy mã phản ánh này."), 404)
    return _complaint_status(found, sent=request.args.get("sent") == "1", code=codes.display(canonical))


def _complaint_status(complaint: dict, sent: bool = False, code: str | None = None, by_receipt: str | None = None):
    """What became of the citizen's complaint: status, due date, and (only on the page of
    the complaint's own code) the reply or reason. Nothing else about the dossier or the
    citizen (never the phone number). ``by_receipt``: shown from a receipt's code, which the
    dossier's papers carry and others may see: the state only, no reply."""
    g.unit_config = scope.config_for(complaint.get("unit"))
    return render_template("phone/status.html", c=complaint, sent=sent, code=code, by_receipt=by_receipt,
                           status_label=_(STATUS_LABELS.get(complaint["status"], complaint["status"])),
                           topic_label=_(TOPIC_LABELS.get(complaint["topic"], complaint["topic"])))


def _save(db, q, form, code, complaint=None, not_asked=frozenset()) -> tuple[str, dict, str | None]:
    """Store through the submission service, as the phone (a citizen nobody knows).
    Returns (what to show: created, duplicate, used, expired, unknown or invalid; the
    field errors; the complaint's own code). A conflict (this form's id already stored with other answers, e.g. sent
    again after going back) means the code was used by the first send: shown as used."""
    overall, answers, comment = answers_from_form(q, form)
    answers = {k: v for k, v in answers.items() if k not in not_asked}
    try:
        rid = str(uuid.UUID(form.rid.data or ""))
    except ValueError:
        rid = str(uuid.uuid4())
    body = {"id": rid, "channel": "phone", "questionnaire": q.id, "questionnaire_version": q.version,
            "overall": overall, "answers": answers, "receipt": code}
    if comment:
        body["comment"] = comment
    if complaint is not None:
        body["complaint"] = complaint
    outcome = submit(db, body, principal=PHONE, settings=current_app.config, forms=questionnaires.forms())
    if outcome.status is Status.INVALID and "complaint.phone" not in outcome.fields:
        current_app.logger.warning("phone form refused: %s", outcome.fields)
    if outcome.status is Status.CONFLICT:
        return "used", {}, None
    return outcome.status.value, outcome.fields, outcome.complaint_code
