from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ProgressForm(FlaskForm):
    complete = HiddenField(default="1")
