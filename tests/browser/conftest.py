"""Browser tests: a real HTTP server thread serving the session's app, and headless Chromium.

The server answers on its own threads, each request in its own app context and so its own
database session and connection: it cannot see a test's rolled-back transaction. Browser
tests therefore commit their data, and every row added while a test runs (by the test or by
the server) is deleted after it, so the rest of the suite still starts from empty tables.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

try:  # optional: only the browser tests need it, and they skip (or fail in CI) without it
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

from smp_academy.core import clock
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without a browser; in CI a missing browser is an error."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Replaces the suite's rolled-back transaction: committed data, removed afterwards."""
    with app.app_context(), factories.removed_afterwards():
        try:
            yield
        finally:
            clock.freeze(None)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The base URL of a werkzeug server on 127.0.0.1 (a free port) serving the test app."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright (the system's /usr/bin/chromium). Package scope:
    Playwright's event loop must be gone before other tests call ``asyncio.run``."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    if sync_playwright is None:
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
