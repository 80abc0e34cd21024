from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class SubmissionForm(FlaskForm):
    photos = MultipleFileField(
        "Photos of your work",
        description="JPEG, PNG, WebP or HEIC (iPhone), up to 25 MB each. Photograph the whole "
        "printed frame from directly above, all four corner markers in view.",
    )
    note = TextAreaField(
        "A note for your instructor (optional)", validators=[Optional(), Length(max=2000)]
    )


class WithdrawForm(FlaskForm):
    """A button carrying only the CSRF token."""
