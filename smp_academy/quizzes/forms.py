from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange


class ActionForm(FlaskForm):
    """A button carrying only the CSRF token (start, submit)."""


class AccommodationForm(FlaskForm):
    trainee = SelectField("Trainee", coerce=int, validators=[DataRequired()])
    extra_attempts = IntegerField(
        "Extra attempts", default=0, validators=[NumberRange(min=0, max=10)]
    )
    extra_minutes = IntegerField(
        "Extra minutes per attempt", default=0, validators=[NumberRange(min=0, max=600)]
    )
    reason = TextAreaField(
        "Reason (recorded in the audit log)", validators=[DataRequired(), Length(max=500)]
    )
