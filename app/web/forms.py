"""The base of every form: text nobody types (NUL and other control characters) is a form error.

PostgreSQL refuses NUL in text outright, so without this a stray byte in any field was a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm

from app.domain.bounds import has_control_characters

CONTROL_CHARACTERS = "must not contain control characters, such as a NUL byte. Type or paste the text again"


class Form(FlaskForm):
    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid: bool = super().validate(extra_validators=extra_validators)
        for field in self:
            if any(isinstance(v, str) and has_control_characters(v) for v in field.raw_data or []):
                label = field.label.text if field.label and field.label.text else "This field"
                field.errors = [*field.errors, f"{label} {CONTROL_CHARACTERS}"]
                valid = False
        return valid
