"""Helpers shared by tests that need a second app or rate limits switched on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from smp_academy import create_app
from smp_academy.extensions import db, limiter


@contextmanager
def separate_app(**config) -> Iterator[Flask]:
    """A second app (its own settings and database) with its own session for the block: the
    suite's session is bound to the test's connection to the test database."""
    settings = {"SECRET_KEY": "other-key", "DATABASE_URL": "sqlite://", "RATELIMIT_ENABLED": False}
    app = create_app(settings | config)
    suite_session = db.session
    db.session = db._make_scoped_session({})
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                for engine in db.engines.values():
                    engine.dispose()
    finally:
        db.session = suite_session


@contextmanager
def rate_limits(app: Flask) -> Iterator[None]:
    """Rate limits on for one block (the session app runs with them off).

    The limiter skipped its set-up when the app was created disabled, so it is set up here,
    once, on the running app; its hooks do nothing again once it is disabled."""
    saved = app.config["RATELIMIT_ENABLED"]
    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    if not limiter.initialized:
        got_first_request = app._got_first_request
        app._got_first_request = False  # allow init_app to add its request hooks
        try:
            limiter.init_app(app)
        finally:
            app._got_first_request = got_first_request
    limiter.reset()
    try:
        yield
    finally:
        limiter.reset()
        limiter.enabled = saved
        app.config["RATELIMIT_ENABLED"] = saved
