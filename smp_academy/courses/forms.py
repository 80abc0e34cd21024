from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange


class ProgressForm(FlaskForm):
    complete = HiddenField(default="1")


class CohortSettingsForm(FlaskForm):
    is_intake = BooleanField("Intake cohort: trainees who register on their own join it")
    turnaround_days = IntegerField(
        "Target turnaround (days)",
        validators=[InputRequired(), NumberRange(1, 60, "Between 1 and 60 days.")],
        description="Trainees are told to expect feedback within this many days of uploading.",
    )


class AssignForm(FlaskForm):
    """Put a trainee whom no instructor teaches into a cohort (choices set by the view)."""

    cohort = SelectField("Cohort", coerce=int)
