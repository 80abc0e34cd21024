"""Migrations and models agree: one head, ``upgrade`` builds an empty database that
autogenerate finds identical to the models, and ``downgrade base`` takes it all down.

Each test builds its own throwaway database: a fresh SQLite file, and a scratch PostgreSQL
database (created and dropped here) when SMP_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from smp_academy.extensions import db
from tests.support import separate_app

TEST_DB_URL = os.environ.get("SMP_TEST_DATABASE_URL")


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database next to the test database; dropped afterwards."""
    server = make_url(TEST_DB_URL)
    name = f"smp_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names()) - {"alembic_version"}


def test_there_is_a_single_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several Alembic heads, merge them: {heads}"


def test_upgrade_on_empty_sqlite_matches_the_models_and_downgrades(tmp_path: Path):
    with separate_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}", SECRET_KEY="migrations"):
        assert _tables() == set()
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []
        downgrade(revision="base")
        assert _tables() == set()
        upgrade()  # and back up again: downgrade really undid everything
        assert _differences() == []


@pytest.mark.postgres  # deselected in CI's SQLite pass, run in its PostgreSQL pass
def test_upgrade_on_empty_postgresql_matches_the_models_and_downgrades():
    if not TEST_DB_URL:
        message = "needs PostgreSQL: set SMP_TEST_DATABASE_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with scratch_postgres() as url, separate_app(DATABASE_URL=url, SECRET_KEY="migrations"):
        assert _tables() == set()
        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences() == []
        downgrade(revision="base")
        assert _tables() == set()
