from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ActionForm(FlaskForm):
    """A button carrying only the CSRF token (claim, release, next)."""


class GradeForm(FlaskForm):
    """Rubric levels (``level-<criterion key>``) and pins (``pin-N-photo/x/y/note``) are read
    from the request by the view, because their number depends on the exercise."""

    feedback = TextAreaField("Written feedback", validators=[Length(max=5000)])


class CommentForm(FlaskForm):
    text = TextAreaField("New reusable comment", validators=[DataRequired(), Length(max=500)])
