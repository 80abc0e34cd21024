"""``flask demo``: demo accounts and data, listed in README.md. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

import click

from smp_academy.auth import services as accounts
from smp_academy.auth.models import User
from smp_academy.core.cli_support import unit_of_work
from smp_academy.core.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("trainee@example.com", "Tara Trainee", Role.TRAINEE, "demo-trainee-2026"),
    DemoAccount(
        "instructor@example.com", "Ivan Instructor", Role.INSTRUCTOR, "demo-instructor-2026"
    ),
    DemoAccount("clinic@example.com", "Northside Hair Clinic", Role.CLINIC, "demo-clinic-2026"),
    DemoAccount("admin@example.com", "Ada Admin", Role.ADMIN, "demo-admin-2026"),
    DemoAccount("holder@example.com", "Hana Holder", Role.TRAINEE, "demo-holder-2026"),
)


def ensure_account(account: DemoAccount) -> User:
    """The demo account, created on first run with its documented password."""
    existing = accounts.find_user_by_email(account.email)
    if existing is not None:
        return existing
    return accounts.create_user(account.email, account.name, account.password, account.role)


@click.command("demo")
@unit_of_work
def demo() -> None:
    """Load demo accounts and data (idempotent) and print them."""
    for account in DEMO_ACCOUNTS:
        ensure_account(account)
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<10} {account.email:<26} {account.password}")
