"""Each person's e-mail choices, one set of radios per kind of message; the administrator's "Try again"."""

from __future__ import annotations

from collections.abc import Mapping

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import IntegerField, RadioField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from app.domain.bounds import MAX_ID
from app.services import mail
from app.web.forms import Form

CHOOSE = "Choose how you want to hear about this"


class PreferencesForm(Form):
    submit = SubmitField("Save your choices", widget=GovSubmitInput())


def preferences_form(kinds: Mapping[str, str], stored: Mapping[str, str]) -> PreferencesForm:
    """A form with a radio group per kind offered, each set to the person's stored choice (or the default)."""

    class Choices(PreferencesForm):
        pass

    for kind, label in kinds.items():
        field = RadioField(
            label,
            choices=list(mail.choices_offered(kind).items()),
            default=stored.get(kind, mail.DEFAULT_CHOICE),
            widget=GovRadioInput(),
            validators=[InputRequired(message=CHOOSE)],
        )
        setattr(Choices, kind, field)
    return Choices()


class RetryForm(Form):
    message_id = IntegerField(validators=[InputRequired(message="Choose a message"), NumberRange(1, MAX_ID)])
