"""The officer's "issue a receipt" form: the procedure is picked by its code or by typing
part of its name (a <datalist> suggests; the server resolves, so no script is needed)."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from kiosk import clock, store
from kiosk.domain.catalogue import CODE
from kiosk.domain.receipts import Invalid, hidden_procedures, issue, validate_issue
from kiosk.web import scope
from kiosk.web.db import get_db
from kiosk.web.i18n import _

MESSAGES = {
    "unknown procedure: not in this commune's catalogue": "Không tìm thấy thủ tục trong danh mục.",
    "procedure not in force on the received date": "Thủ tục này không có hiệu lực vào ngày tiếp nhận.",
    "is before the received date": "Ngày hẹn trả phải từ ngày tiếp nhận trở đi.",
    "procedure not handled by this unit": "Đơn vị không giải quyết thủ tục này.",
    "is required": "Vui lòng nhập thông tin này.",
}


class IssueForm(FlaskForm):
    dossier_code = StringField("Mã hồ sơ", validators=[DataRequired(), Length(max=60)])
    procedure = StringField("Thủ tục (mã hoặc một phần tên)", validators=[DataRequired(), Length(max=300)])
    officer = StringField("Cán bộ tiếp nhận", validators=[DataRequired(), Length(max=100)])
    counter = StringField("Quầy", validators=[Optional(), Length(max=60)])
    received_date = DateField("Ngày tiếp nhận", validators=[DataRequired()])
    appointment_date = DateField("Ngày hẹn trả", validators=[Optional()])


def resolve_procedure(db, text: str, choice: str | None, day: str, hidden=frozenset()):
    """(code, candidates): a code when the text names exactly one procedure, else the
    procedures it could mean (empty when none matches); ``hidden``: codes the unit does not
    handle, never suggested (a code typed in full is refused by ``validate_issue``)."""
    if choice and store.get_procedure(db, choice):
        return choice, []
    words = text.split()
    if words and CODE.match(words[0].upper()) and store.get_procedure(db, words[0].upper()):
        return words[0].upper(), []
    matches = [m for m in store.search_procedures(db, text, valid_on=day, limit=30) if m["code"] not in hidden]
    exact = [m for m in matches if store.fold(m["name"]) == store.fold(text.strip())]
    if len(exact) == 1:
        return exact[0]["code"], []
    if len(matches) == 1:
        return matches[0]["code"], []
    return None, matches


def issue_view():
    db = get_db()
    officer = store.officer_for_username(db, g.user["username"])
    form = IssueForm(data={"officer": officer["name"] if officer else
                           (g.user.get("full_name") or g.user["username"]),
                           "received_date": clock.local_today()} if request.method == "GET" else None)
    candidates = []
    unit = scope.writing_unit()
    hidden = hidden_procedures(db, unit)
    if unit is None and request.method == "POST":  # province staff on a shared server: whose dossier?
        flash(_("Máy chủ này phục vụ nhiều đơn vị: tài khoản cấp tỉnh không cấp được mã phiếu; hãy dùng tài khoản của đơn vị."), "error")  # noqa: E501 (a translated message stays on one line)
    elif form.validate_on_submit():
        day = form.received_date.data.isoformat()
        code, candidates = resolve_procedure(db, form.procedure.data, request.form.get("procedure_choice"), day,
                                             hidden)
        if code is None:
            form.procedure.errors.append(_("Có nhiều thủ tục khớp; chọn một thủ tục dưới đây.") if candidates
                                         else _("Không tìm thấy thủ tục trong danh mục."))
        else:
            body = {"dossier_code": form.dossier_code.data, "procedure_code": code,
                    "officer": form.officer.data, "counter": form.counter.data or None,
                    "received_date": day,
                    "appointment_date": form.appointment_date.data.isoformat()
                    if form.appointment_date.data else None}
            try:
                receipt, created = issue(db, validate_issue(db, body, unit), g.user["username"],
                                        current_app.config["RECEIPT_EXPIRY_DAYS"], unit)
            except Invalid as exc:
                for name, message in exc.fields.items():
                    target = form.procedure if name == "procedure_code" else getattr(form, name, form.dossier_code)
                    target.errors.append(_(MESSAGES.get(message, "Giá trị không hợp lệ.")))
            else:
                flash(_("Đã cấp mã phiếu.") if created else
                      _("Hồ sơ này đã có mã phiếu chưa dùng; dùng lại mã đó."), "ok")
                return redirect(url_for("receipts.detail", code=receipt["code"]))
    today = clock.local_today().isoformat()
    return render_template("receipts/new.html", form=form, candidates=candidates,
                           procedures=[p for p in store.list_procedures(db, valid_on=today) if p["code"] not in hidden],
                           officers=store.list_officers(db, active_only=True, unit=unit),
                           counters=store.list_counters(db, active_only=True, unit=unit))
