"""Input shape of the account forms; the rules (policy, uniqueness) live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

EMAIL = [DataRequired(), Email(check_deliverability=False), Length(max=320)]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me signed in on this device")


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=EMAIL)
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1024)],
        description="At least 10 characters. A passphrase of several words works well.",
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class ProfileForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords do not match.")],
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField("New e-mail", validators=EMAIL)
    password = PasswordField("Current password", validators=[DataRequired()])
