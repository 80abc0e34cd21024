from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

from smp_academy.core.roles import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[(role.value, label) for role, label in ROLE_LABELS.items()])


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""
