"""The command line (CONTRACT section 3): ``users create`` and ``demo``. Bad input exits 2
with exactly one line on stderr and no traceback."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from smp_academy.admin.demo import DEMO_ACCOUNTS
from smp_academy.auth import services as accounts
from smp_academy.auth import signin
from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.courses.models import Cohort, CohortMember
from smp_academy.extensions import db
from tests import factories
from tests.courses import helpers

PASSWORD = "a long enough passphrase"


def create(app, *args: str, input: str | None = PASSWORD + "\n"):
    return app.test_cli_runner().invoke(args=["users", "create", *args], input=input)


def _one_line_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


def _count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_users_create(app):
    result = create(
        app, "New.Person@Example.com", "--name", "New Person", "--role", "instructor",
        "--password-stdin",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert re.fullmatch(r"created instructor new\.person@example\.com \(id \d+\)\n", result.stdout)
    user = accounts.find_user_by_email("new.person@example.com")
    assert user.name == "New Person" and user.role == "instructor" and user.active
    assert signin.authenticate("new.person@example.com", PASSWORD, "127.0.0.1").user is not None


def test_users_create_defaults_to_trainee_and_strips_the_newline(app):
    result = create(app, "plain@example.com", "--name", "Plain", "--password-stdin")
    assert result.exit_code == 0, result.output
    assert signin.authenticate("plain@example.com", PASSWORD, "127.0.0.1").user.role == "trainee"


def test_duplicate_email_is_refused_with_one_line(app):
    existing = factories.user(email="taken@example.com")
    db.session.commit()  # committed, as it would be for a separate process (a savepoint here)
    result = create(app, "TAKEN@example.com", "--name", "Again", "--password-stdin")
    assert "already exists" in _one_line_error(result)
    assert _count_users() == 1 and existing.name != "Again"


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 10 characters"), ("password123", "too common")],
)
def test_weak_passwords_are_refused(app, password, message):
    result = create(app, "weak@example.com", "--name", "Weak", "--password-stdin", input=password)
    assert message in _one_line_error(result)
    assert _count_users() == 0


def test_invalid_email_is_refused(app):
    result = create(app, "not-an-address", "--name", "Nobody", "--password-stdin")
    assert "valid e-mail address" in _one_line_error(result)


def test_missing_password_stdin_flag(app):
    result = create(app, "flag@example.com", "--name", "Flag")
    assert "--password-stdin" in _one_line_error(result)
    assert _count_users() == 0


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_empty_stdin(app, stdin):
    result = create(app, "empty@example.com", "--name", "Empty", "--password-stdin", input=stdin)
    assert "no password" in _one_line_error(result)
    assert _count_users() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["x@example.com", "--name", "X", "--role", "superuser", "--password-stdin"],  # bad role
        ["x@example.com", "--name", "X", "--password-stdin", "--colour", "red"],  # unknown option
        ["x@example.com", "--password-stdin"],  # --name missing
        ["--name", "X", "--password-stdin"],  # EMAIL missing
    ],
    ids=["invalid-role", "unknown-option", "missing-name", "missing-email"],
)
def test_usage_errors_exit_2(app, args):
    result = create(app, *args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.stderr and "Traceback" not in result.output
    assert _count_users() == 0


def test_demo_loads_the_curriculum_when_it_was_not_synced(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Curriculum loaded from content/" in result.stdout
    assert re.search(r"Demo certificate of Hana Holder: SMP-", result.stdout)
    assert (
        db.session.scalar(select(func.count(Certificate.id))) == 2
    )  # the practitioner certificate, and the hygiene one the same records earn


def test_demo_is_idempotent(app):
    assert helpers.sync(app, helpers.REAL_CONTENT).exit_code == 0
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = {
        "users": _count_users(),
        "cohorts": db.session.scalar(select(func.count(Cohort.id))),
        "members": db.session.scalar(select(func.count(CohortMember.id))),
        "certificates": db.session.scalar(select(func.count(Certificate.id))),
    }
    second = runner.invoke(args=["demo"])

    assert second.exit_code == 0, second.output
    assert counts == {"users": 5, "cohorts": 1, "members": 3, "certificates": 2}
    assert counts["users"] == _count_users()
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    code = re.search(r"SMP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", first.stdout)
    assert code and code.group(0) in second.stdout
    for account in DEMO_ACCOUNTS:
        assert account.email in second.stdout and account.password in second.stdout
        user = signin.authenticate(account.email, account.password, "127.0.0.1").user
        assert user is not None and user.role == account.role.value


def test_demo_refuses_a_production_configuration(monkeypatch, tmp_path):
    from tests.support import separate_app

    with separate_app(
        PRODUCTION=True, SIGNING_KEY_PATH="k", SIGNING_CERT_PATH="c", CREDENTIAL_KEYS_PATH="ks"
    ) as app:
        result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 2
    assert "never loaded in production" in result.output
