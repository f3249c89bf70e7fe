"""API tokens for service accounts: administrators list, create (the secret shown once) and revoke them."""

from __future__ import annotations

from flask import flash, redirect, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.policy import Permission
from app.services import api_tokens
from app.services.errors import Conflict
from app.web.admin import bp
from app.web.decorators import permission_required
from app.web.fields import coerce_id
from app.web.forms import Form
from app.web.rendering import attempt, form_status, me, render


class NewTokenForm(Form):
    name = StringField(
        "Name",
        description="What will use it, so you know which to revoke: for example “Power BI: monthly dashboard”.",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter a name for the token"), Length(max=api_tokens.NAME_LIMIT)],
    )
    user_id = SelectField(
        "The account it acts as",
        description="It reads the API with this account's permissions (a committee member's sees what they see).",
        coerce=coerce_id,
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeForm(Form):
    submit = SubmitField("Revoke token", widget=GovSubmitInput())


@bp.get("/api-tokens")
@permission_required(Permission.MANAGE_API_TOKENS)
def api_tokens_page() -> Response:
    return render("admin/api_tokens.html", tokens=api_tokens.list_tokens())


@bp.route("/api-tokens/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_API_TOKENS)
def new_api_token() -> Response:
    form = NewTokenForm()
    form.user_id.choices = [("", "Choose an account")] + [
        (u.id, f"{u.name} ({u.role_label}, {u.email})") for u in api_tokens.possible_accounts()
    ]
    if form.validate_on_submit():
        made = attempt(form, lambda: api_tokens.create(me(), form.name.data or "", form.user_id.data))
        if made is not None:
            token, secret = made
            return render("admin/api_token_created.html", token=token, secret=secret)
    return render("admin/api_token_form.html", form=form, status=form_status(form))


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_API_TOKENS)
def revoke_api_token(token_id: int) -> Response:
    token = api_tokens.get_token(token_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            api_tokens.revoke(me(), token.id)
        except Conflict as error:
            flash(error.message, "info")
        else:
            flash(f"Token “{token.name}” revoked: it no longer works.", "success")
        return redirect(url_for("admin.api_tokens_page"), 303)
    return render("admin/api_token_revoke.html", token=token, form=form)
