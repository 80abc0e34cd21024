from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=500)])


class ReissueForm(ReasonForm):
    holder_name = StringField("Corrected name", validators=[DataRequired(), Length(max=120)])


class IssueForm(FlaskForm):
    email = StringField(
        "Holder's e-mail", validators=[DataRequired(), Email(check_deliverability=False)]
    )
    certification = SelectField("Certification", coerce=int)
    reason = TextAreaField(
        "Reason for issuing manually", validators=[DataRequired(), Length(max=500)]
    )
