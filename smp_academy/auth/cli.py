"""``flask users create``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from smp_academy.auth import services
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.core.roles import Role

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.TRAINEE.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@unit_of_work
def create_user(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account."""
    if not password_stdin:
        raise BadInput("give the password on stdin with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise BadInput("no password on stdin")
    user = services.create_user(email, name, password, Role(role))
    click.echo(f"created {user.role} {user.email} (id {user.id})")
