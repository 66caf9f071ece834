"""The complaints inbox (phản ánh, kiến nghị) for admins and leaders.

new → in progress → answered / not accepted (with a reason); assignment, a due date 15
working days after receipt, overdue ones highlighted, and the full history of who changed
what and when. A phone number is shown only to the person handling the complaint (and
admins), and erased after closure plus the retention period.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length

from kiosk import store
from kiosk.clock import iso, local, local_today, utcnow
from kiosk.web import scope
from kiosk.web.auth import login_required
from kiosk.web.db import get_db
from kiosk.web.i18n import _
from survey_forms import vocabulary
from survey_forms.forms import choice_list

bp = Blueprint("complaints", __name__, url_prefix="/admin/complaints")

STATUS_LABELS = {k: v.vi for k, v in vocabulary.COMPLAINT_STATUSES.items()}
TOPIC_LABELS = {k: v.vi for k, v in vocabulary.TOPICS.items()}
EVENT_LABELS = {"received": "Tiếp nhận", "assigned": "Giao xử lý", "status": "Chuyển trạng thái",
                "answered": "Trả lời", "not_accepted": "Không thụ lý", "phone_erased": "Xóa số điện thoại"}
ACTOR_LABELS = {"citizen": "Công dân", "system": "Hệ thống"}
FLAG_LABELS = {k: v.vi for k, v in vocabulary.TEXT_FLAGS.items()}
PURGE_INTERVAL = timedelta(hours=1)
# action → (new status, form field, column, message when the text is missing)
CLOSING = {"answer": ("answered", "reply", "reply", "Vui lòng nhập nội dung trả lời."),
           "not_accept": ("not_accepted", "reason", "not_accepted_reason", "Vui lòng ghi lý do không thụ lý.")}


class ActionForm(FlaskForm):
    action = HiddenField()
    assignee = SelectField("Người xử lý", choices=[], validate_choice=False)
    reply = TextAreaField("Nội dung trả lời", validators=[Length(max=4000)])
    reason = TextAreaField("Lý do không thụ lý", validators=[Length(max=2000)])


def purge_due_contacts(app=None) -> None:
    """Erase phone numbers past retention; runs at most hourly, on the way to any page."""
    app = app or current_app
    last = app.extensions.get("contacts_purged_at")
    now = utcnow()
    if last is not None and now - last < PURGE_INTERVAL:
        return
    app.extensions["contacts_purged_at"] = now
    store.purge_contacts(get_db(), app.config["CONTACT_RETENTION_DAYS"], now)


@bp.before_app_request
def _purge():
    purge_due_contacts()


def may_see_phone(complaint: dict) -> bool:
    return g.user["role"] == "admin" or complaint.get("assignee") == g.user["username"]


@bp.route("/")
@login_required("leader")
def inbox():
    """All complaints, open ones first, overdue highlighted."""
    status = request.args.get("status", "open")
    if status not in ("open", "all", *STATUS_LABELS):
        status = "open"
    rows = store.list_complaints(get_db(), None if status == "all" else status, scope.list_unit())
    today = local_today().isoformat()
    return render_template("complaints/inbox.html", rows=rows, status=status, today=today,
                           STATUS_LABELS=STATUS_LABELS, TOPIC_LABELS=TOPIC_LABELS,
                           FLAG_LABELS=FLAG_LABELS)


@bp.route("/<int:complaint_id>", methods=["GET", "POST"])
@login_required("leader")
def detail(complaint_id: int):
    """One complaint: its text, history, and the actions that move it on."""
    db = get_db()
    complaint = scope.own_or_404(store.get_complaint(db, complaint_id))  # another unit's: not found
    form = ActionForm()
    names = store.display_names(db)
    form.assignee.choices = choice_list([("", "—")] + [(u, names.get(u, u))
                                                       for u in store.staff_usernames(db, complaint["unit"])])
    if form.validate_on_submit():
        error = _act(db, complaint, form)
        if error:
            flash(error, "error")
        else:
            flash(_("Đã lưu."), "ok")
            return redirect(url_for(".detail", complaint_id=complaint_id))
    contact = store.complaint_contact(db, complaint_id)
    overdue = complaint["status"] in ("new", "in_progress") and complaint["due_date"] < local_today().isoformat()
    return render_template("complaints/detail.html", c=complaint, form=form, contact=contact,
                           show_phone=may_see_phone(complaint), overdue=overdue,
                           events=store.complaint_events(db, complaint_id),
                           STATUS_LABELS=STATUS_LABELS, TOPIC_LABELS=TOPIC_LABELS,
                           FLAG_LABELS=FLAG_LABELS, EVENT_LABELS=EVENT_LABELS, ACTOR_LABELS=ACTOR_LABELS)


def _act(db, complaint, form) -> str | None:
    """Carry out one action; returns an error message or None."""
    who = g.user["username"]
    action = form.action.data
    closed = complaint["status"] in ("answered", "not_accepted")
    now = utcnow()
    if action == "assign":
        assignee = form.assignee.data or None
        if assignee and assignee not in store.staff_usernames(db, complaint["unit"]):
            return _("Người xử lý không hợp lệ.")
        changes = {"assignee": assignee}
        if complaint["status"] == "new" and assignee:
            changes["status"] = "in_progress"
        store.update_complaint(db, complaint["id"], who, changes, "assigned", assignee or "—")
    elif action == "start" and complaint["status"] == "new":
        store.update_complaint(db, complaint["id"], who, {"status": "in_progress"}, "status", "in_progress")
    elif action in CLOSING and not closed:
        status, field, column, missing = CLOSING[action]
        text = (getattr(form, field).data or "").strip()
        if not text:
            return _(missing)
        store.update_complaint(db, complaint["id"], who, {
            "status": status, column: text, "answered_at": iso(now),
            "answered_date": local(now).date().isoformat(), "closed_at": iso(now)}, status, text[:200])
    elif action == "erase_phone":
        if not may_see_phone(complaint):
            return _("Chỉ người xử lý mới được xóa số điện thoại.")
        store.erase_contact(db, complaint["id"], who, "erased by the handler (consent withdrawn or no longer needed)")
    else:
        return _("Thao tác không hợp lệ.")
    return None
