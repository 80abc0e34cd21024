"""``flask clinics token``: an API token for a clinic account."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from smp_academy.auth.services import find_user_by_email
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.verification.services import create_token

clinics = AppGroup("clinics", help="Clinic accounts and their API tokens.")


@clinics.command("token")
@click.argument("email")
@click.option("--name", default="API token", show_default=True, help="A label for the token.")
@unit_of_work
def clinic_token(email: str, name: str) -> None:
    """Issue a new API token for a clinic account and print it once."""
    clinic = find_user_by_email(email)
    if clinic is None:
        raise BadInput(f"no account with the e-mail {email}")
    row, token = create_token(clinic, name)
    click.echo(token)
    click.echo(
        f"token {row.prefix}… for {clinic.name}: store it now, it is not shown again", err=True
    )
