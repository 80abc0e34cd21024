"""Forms of the "your data" pages: asking for the account's deletion."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ButtonForm(FlaskForm):
    """A button carrying only the CSRF token (download, cancel, confirm)."""


class DeletionRequestForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired(), Length(max=1024)],
        description="To confirm it is you.",
    )
    reason = TextAreaField(
        "Why are you leaving? (optional)", validators=[Optional(), Length(max=2000)]
    )
    understood = BooleanField(
        "I understand that my account and my learning records will be deleted, except what my "
        "certificates rest on, and that this cannot be undone.",
        validators=[DataRequired("Tick the box to confirm.")],
    )
