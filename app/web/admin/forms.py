from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.policy import ROLE_DESCRIPTIONS, Role


def role_choices() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Role]


class UserDetailsForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's full name"), Length(max=120)],
    )
    job_title = StringField("Job title (optional)", widget=GovTextInput(), validators=[Length(max=160)])
    role = RadioField(
        "Role",
        choices=role_choices(),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select a role")],
    )
    work_streams = SelectMultipleField(
        "Work streams they run",
        description="Only for service managers: they can propose updates to actions in these work streams.",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewUserForm(UserDetailsForm):
    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter an e-mail address")],
    )
    password = PasswordField(
        "First password",
        description="At least 12 characters. Tell the person it in person or by phone; they should change it when they first sign in.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a first password")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_email(self, field: StringField) -> None:
        """The service's own rule, run here too so every problem shows at once."""
        from app.services.accounts import email_problem, normalise_email

        problem = email_problem(normalise_email(field.data or ""))
        if problem:
            raise ValidationError(problem)

    def validate_password(self, field: PasswordField) -> None:
        from app.services.accounts import check_new_password

        problem = check_new_password(field.data or "", email=self.email.data or "", name=self.name.data or "")
        if problem:
            raise ValidationError(problem)

    PAGE_ORDER = ("csrf_token", "name", "email", "job_title", "role", "work_streams", "password", "submit")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Fields in the order the page shows them, so the error summary lists problems in that order too.
        for name in self.PAGE_ORDER:
            if name in self._fields:
                self._fields.move_to_end(name)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="At least 12 characters. Every session of this person ends.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password")],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


ROLE_HINTS = ROLE_DESCRIPTIONS
