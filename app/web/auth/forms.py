from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from app.web.forms import Form


class LoginForm(Form):
    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your e-mail address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        description="At least 12 characters. A few random words you will remember make a strong password.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignInCodeForm(Form):
    code = StringField(
        "Code",
        description="The 6-digit code your authenticator app shows now. Without your phone, enter a recovery code.",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app, or a recovery code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpCodeForm(Form):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code the app shows for the improvement plan tracker.",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app")],
    )
    submit = SubmitField("Turn on two-step sign-in", widget=GovSubmitInput())
