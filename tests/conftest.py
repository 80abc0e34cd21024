"""App and schema once per session; every test runs inside a transaction rolled back at its end.

SQLite by default; PostgreSQL when SMP_TEST_DATABASE_URL is set (CI sets it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Connection, text
from sqlalchemy.orm import scoped_session, sessionmaker

from smp_academy import create_app
from smp_academy.core import clock
from smp_academy.extensions import db, limiter
from tests import factories

TEST_DB_URL = os.environ.get("SMP_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": TEST_DB_URL or f"sqlite:///{instance / 'test.db'}",
            "STORAGE_URL": f"file://{instance / 'files'}",
            "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
            "BASE_URL": "http://academy.example.org",
            "INSTANCE_DIR": str(instance),
        }
    )
    app.test_client_class = IsolatedClient
    limiter.enabled = False  # on for the tests of limits only (tests.support.rate_limits)
    with app.app_context():
        _reset_schema()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close the pooled connections before the interpreter does


def _reset_schema() -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


#: Flask-SQLAlchemy's own sessions, on the app's engine as in production
ENGINE_SESSIONS = db.session


def _app_context_id() -> int:
    """One session per app context, as Flask-SQLAlchemy scopes them (``g`` is per context)."""
    return id(g._get_current_object())


def bind_sessions(connection: Connection | None) -> None:
    """Sessions made from now on use ``connection`` (each commit a savepoint inside its
    transaction) or, with None, the engine as in production."""
    db.session.remove()
    if connection is None:
        db.session = ENGINE_SESSIONS
    else:
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_context_id,
        )


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Bind the sessions to one connection whose transaction is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        bind_sessions(connection)
        try:
            yield
        finally:
            bind_sessions(None)
            outer.rollback()
            connection.close()
            clock.freeze(None)
            limiter.reset()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (and so its own ``g`` and DB session), as in
    production, even though the test itself runs inside an app context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own objects see what the request changed
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    """Signs a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user, password: str = factories.PASSWORD, remember: bool = False):
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data | {"csrf_token": csrf_token(self.client)})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def trainee():
    return factories.user(role="trainee", name="Terry Trainee")


@pytest.fixture
def instructor():
    return factories.user(role="instructor", name="Indira Instructor")


@pytest.fixture
def clinic():
    return factories.user(role="clinic", name="Clearview Clinic")


@pytest.fixture
def admin():
    return factories.user(role="admin", name="Adam Admin")


@pytest.fixture
def login(client: FlaskClient, auth: AuthActions):
    """``login(user)``: sign the test client in as ``user`` and return the client."""

    def _login(user) -> FlaskClient:
        response = auth.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


@pytest.fixture
def instance_dir(app: Flask) -> Path:
    return Path(app.config["INSTANCE_DIR"])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser and production-stack tests start servers and browsers: marked slow, so that
    ``pytest -m "not slow"`` runs the core quickly."""
    for item in items:
        if {"browser", "production"} & set(Path(str(item.path)).parts):
            item.add_marker(pytest.mark.slow)
