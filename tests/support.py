"""Helpers shared by tests that need a second app or rate limits switched on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from smp_academy import create_app
from smp_academy.extensions import db, limiter
from tests.conftest import bind_sessions


@contextmanager
def separate_app(**config) -> Iterator[Flask]:
    """A second app (its own settings and database) for the block, its sessions on its own
    engine; the suite's sessions go back to the test's connection afterwards."""
    settings = {"SECRET_KEY": "other-key", "DATABASE_URL": "sqlite://", "RATELIMIT_ENABLED": False}
    app = create_app(settings | config)
    suite_connection = db.session.session_factory.kw["bind"]
    bind_sessions(None)
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                for engine in db.engines.values():
                    engine.dispose()
    finally:
        bind_sessions(suite_connection)


@contextmanager
def rate_limits(app: Flask) -> Iterator[None]:
    """Rate limits on for one block (the suite runs with them off)."""
    limiter.enabled = True
    limiter.reset()
    try:
        yield
    finally:
        limiter.reset()
        limiter.enabled = False
