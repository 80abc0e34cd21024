"""The browser fixtures of tests/browser (a live server, headless Chromium, committed data
removed afterwards) for the clinical pathway's browser test."""

from tests.browser.conftest import _transaction, browser, live_server  # noqa: F401
