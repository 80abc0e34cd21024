"""The embedded default under one person's quick clicks: ``flask run`` (threaded) on SQLite.

A lesson marked complete by the button and by the page's script at once, quick autosaves and
page views side by side gave "database is locked" (500) before write transactions took the
SQLite write lock up front (BEGIN IMMEDIATE) and waited for it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.factories import PASSWORD

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
EMAIL = "quick.clicker@example.com"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "smp_academy", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory):
    instance = tmp_path_factory.mktemp("dev-instance")
    env = {
        **os.environ,
        "SMP_DATABASE_URL": f"sqlite:///{instance / 'dev.db'}",
        "SMP_STORAGE_URL": f"file://{instance / 'files'}",
        "SMP_SECRET_KEY": "dev-server-test",
        "SMP_RATELIMIT_ENABLED": "false",
    }
    env.pop("SMP_TEST_DATABASE_URL", None)
    _flask(env, "db", "upgrade")
    _flask(env, "content", "sync")
    _flask(env, "users", "create", EMAIL, "--name", "Quick Clicker", "--password-stdin",
           stdin=PASSWORD + "\n")  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "smp_academy", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10).text
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[1]


def test_quick_clicks_and_autosaves_on_sqlite_never_lock(dev_server):
    browser = requests.Session()
    token = _csrf(browser, f"{dev_server}/login")
    login = browser.post(
        f"{dev_server}/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
        timeout=10,
    )
    assert login.status_code == 200 and "Quick Clicker" in login.text
    lesson = f"{dev_server}/courses/smp-foundations/lessons/what-smp-is"
    token = _csrf(browser, lesson)
    quiz = browser.post(
        f"{dev_server}/quizzes/smp-foundations-quiz/start", data={"csrf_token": token}, timeout=10
    )
    attempt_url = quiz.url
    assert re.search(r"/attempts/\d+$", attempt_url)

    def complete() -> int:  # the button and the page script, both at once
        return browser.post(
            f"{lesson}/progress",
            data={"csrf_token": token, "complete": "1", "then": "next"},
            allow_redirects=False,
            timeout=30,
        ).status_code

    def autosave(slot: int) -> int:
        response = browser.post(
            f"{attempt_url}/answers",
            json={"slot": slot, "answer": {"value": True}},
            headers={"X-CSRFToken": token},
            timeout=30,
        )
        return response.status_code

    def read() -> int:
        return browser.get(lesson, timeout=30).status_code

    jobs = [complete] * 6 + [read] * 6 + [lambda s=s: autosave(s) for s in range(12)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda job: job(), jobs * 2))
    assert 500 not in statuses
    assert set(statuses) <= {200, 302, 400}  # 400: a slot whose question is not true/false
    page = browser.get(f"{dev_server}/courses/smp-foundations", timeout=10).text
    assert "1 of" in page  # the lesson is complete, once
