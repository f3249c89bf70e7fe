"""E-mail: each person's choices on their account, and for the administrator the mail that could not be sent
(and, in demo mode, the whole outbox)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from app.config import FOLDER_BACKEND
from app.policy import Permission
from app.services import mail, mail_kinds
from app.web.decorators import permission_required
from app.web.mail import bp
from app.web.mail.forms import RetryForm, preferences_form
from app.web.rendering import attempt, form_status, me, render


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def preferences() -> Response:
    user = me()
    kinds = mail_kinds.kinds_for(user)
    form = preferences_form(kinds, mail.choices_for(user.id))
    if form.validate_on_submit():
        wanted = {kind: str(form[kind].data) for kind in kinds}
        changed = attempt(form, lambda: mail.save_choices(user, user.id, wanted, list(kinds)))
        if changed is not None:
            said = "Your e-mail choices have been saved." if changed else "Your e-mail choices are unchanged."
            flash(said, "success")
            return redirect(url_for("mail.preferences"), 303)
    return render("mail/preferences.html", status=form_status(form), form=form, kinds=kinds)


@bp.route("/admin/mail", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MAIL)
def failed() -> Response:
    form = RetryForm()
    if request.method == "POST" and form.validate_on_submit():
        message = attempt(form, lambda: mail.retry(me(), int(form.message_id.data or 0)))
        if message is not None:
            flash(f"The e-mail to {message.user.name} will be tried again now.", "success")
            return redirect(url_for("mail.failed"), 303)
    return render(
        "mail/failed.html",
        status=form_status(form) if request.method == "POST" else 200,
        form=form if request.method == "POST" else None,
        messages=mail.failed_messages(me()),
        waiting=mail.waiting_count(me()),
        demo_outbox=_outbox_shown(),
    )


@bp.get("/admin/outbox")
@permission_required(Permission.MANAGE_MAIL)
def outbox() -> Response:
    """Demo mode only: what the tracker would have e-mailed, read from the outbox (also instance/outbox/*.eml)."""
    if not _outbox_shown():
        abort(404)
    return render(
        "mail/outbox.html",
        messages=mail.recent_messages(me()),
        folder=current_app.config.get("MAIL_OUTBOX_DIR", ""),
        to_folder=current_app.config.get("MAIL_BACKEND") == FOLDER_BACKEND,
        status_words=mail.STATUS_WORDS,
    )


def _outbox_shown() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))
