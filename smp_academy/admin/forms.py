from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from smp_academy.core.roles import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField(
        "Role", choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""


class CohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)])
    starts_on = DateField("Starts on (optional)", validators=[Optional()])


class MemberForm(FlaskForm):
    email = StringField(
        "E-mail of a trainee or instructor", validators=[DataRequired(), Length(max=320)]
    )
