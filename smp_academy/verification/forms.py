from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(FlaskForm):
    code = StringField(
        "Certificate code",
        validators=[Optional(), Length(max=40)],
        description="For example SMP-7K3Q-9XWM-2F4T. Case, spaces and dashes do not matter.",
    )
    pdf = FileField("Or upload the certificate PDF")


class CredentialForm(FlaskForm):
    """A digital credential to check: the JSON file, the certificate PDF that carries it, or the
    JSON pasted. Shown on the same page as ``VerifyForm``: make it with ``prefix="credential"``
    so that the two forms' element ids differ."""

    file = FileField(
        "Credential file (JSON, or the certificate PDF)",
        description="The .json file a practitioner shared with you, or their certificate PDF.",
    )
    text = TextAreaField(
        "Or paste the credential JSON",
        validators=[Optional(), Length(max=200_000)],
        description="Everything from the first { to the last }.",
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=80)],
        description="Where you will use it, e.g. “HR system”.",
    )


class RosterForm(FlaskForm):
    code = StringField("Certificate code", validators=[DataRequired(), Length(max=40)])
    note = StringField("Note (optional)", validators=[Optional(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""
