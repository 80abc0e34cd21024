"""``flask demo``: demo accounts and data, listed in README.md. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from smp_academy.admin.content import load_content
from smp_academy.admin.content_sync import sync_content
from smp_academy.auth import services as accounts
from smp_academy.auth.models import User
from smp_academy.certificates import services as certificates
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.core.content_files import ContentInvalid
from smp_academy.core.roles import Role
from smp_academy.courses import cohorts as cohort_services
from smp_academy.courses.models import Cohort
from smp_academy.extensions import db


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


DEMO_COHORT = "Demo cohort"
DEMO_CERTIFICATION = "hygiene-bbp"


def ensure_cohort(users: dict[str, User]) -> Cohort:
    """The demo cohort: the instructor teaches both demo trainees."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = Cohort(name=DEMO_COHORT)
        db.session.add(cohort)
        db.session.flush()
    members = [
        ("instructor@example.com", "instructor"),
        ("trainee@example.com", "trainee"),
        ("holder@example.com", "trainee"),
    ]
    for email, role in members:
        cohort_services.add_member(cohort, users[email], role)
    return cohort


def _demo_certification() -> Certification | None:
    return db.session.scalar(select(Certification).where(Certification.slug == DEMO_CERTIFICATION))


def ensure_content() -> None:
    """Load the curriculum when `demo` runs before `content sync` (same transaction)."""
    try:
        bundle = load_content(Path(current_app.config["CONTENT_PATH"]))
    except ContentInvalid as error:
        raise BadInput(
            f"content/ is invalid ({len(error.problems)} problem(s)); "
            "run `flask --app smp_academy content sync` to see them"
        ) from None
    sync_content(bundle)
    click.echo("Curriculum loaded from content/ (it was not synced yet).")


def ensure_certificate(holder: User, admin: User) -> Certificate:
    """A valid certificate for the demo holder, issued by the demo admin."""
    certification = _demo_certification()
    if certification is None:
        ensure_content()
        certification = _demo_certification()
    if certification is None:
        raise BadInput(f"content/ defines no certification '{DEMO_CERTIFICATION}'")
    live = certificates.live_certificate(holder.id, certification.id)
    if live is not None and status_of(live) == CertificateStatus.VALID:
        return live
    return certificates.issue_manually(admin, holder, certification, "Demo data")


@click.command("demo")
@unit_of_work
def demo() -> None:
    """Load demo accounts and data (idempotent) and print them."""
    users = {account.email: ensure_account(account) for account in DEMO_ACCOUNTS}
    ensure_cohort(users)
    cert = ensure_certificate(users["holder@example.com"], users["admin@example.com"])
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<10} {account.email:<26} {account.password}")
    click.echo(
        f"Demo certificate of {cert.holder_name}: {cert.code} "
        f"({cert.credential_title}, valid until {cert.expires_on})"
    )
