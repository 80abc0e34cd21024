"""The grading forms: the rubric's levels and the pins are fields of a form made for each
exercise (``make_grade_form``), so WTForms reads them instead of patterns over field names."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, FloatField, Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from smp_academy.grading.services import PinInput


class ActionForm(FlaskForm):
    """A button carrying only the CSRF token (claim, release, next)."""


class PinForm(Form):
    """One pin on a photo, in coordinates relative to the photo (0..1)."""

    photo = IntegerField(validators=[InputRequired()])
    x = FloatField(validators=[InputRequired()])
    y = FloatField(validators=[InputRequired()])
    note = StringField(validators=[Length(max=500)])


class GradeForm(FlaskForm):
    feedback = TextAreaField("Written feedback", validators=[Length(max=5000)])
    pins = FieldList(FormField(PinForm))  # how many: the service says (MAX_PINS)

    def levels(self) -> dict[str, int | None]:
        """The chosen points per criterion key (None where none was chosen)."""
        return {
            name.removeprefix("level-"): field.data
            for name, field in self._fields.items()
            if name.startswith("level-")
        }

    def pin_inputs(self) -> list[PinInput]:
        return [
            PinInput(pin["photo"], pin["x"], pin["y"], pin["note"] or "") for pin in self.pins.data
        ]


def make_grade_form(rubric: list[dict[str, Any]]) -> type[GradeForm]:
    """A grade form with one ``level-<criterion key>`` field per criterion of the rubric (the
    service says which levels exist; a missing one is refused there, by its title)."""
    fields = {
        f"level-{criterion['key']}": IntegerField(criterion["title"], validators=[Optional()])
        for criterion in rubric
    }
    return type("ExerciseGradeForm", (GradeForm,), fields)


class CommentForm(FlaskForm):
    text = TextAreaField("New reusable comment", validators=[DataRequired(), Length(max=500)])
