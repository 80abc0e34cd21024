"""The whole production stack in one run: a fresh PostgreSQL database migrated by ``flask db
upgrade``, Redis, a real ``rq worker`` process, moto's S3 server, and gunicorn serving the
academy in production mode.

One practice photo is uploaded and one certificate issued through the real services in this
process; the worker process analyses the photo and renders the certificate, reading and
writing the same database and bucket. Nothing here runs inside the suite's rolled-back
transaction: every unit of work commits for real, and the database, the Redis database, the
bucket and every process are removed at the end, whatever happened.

Skipped (with the reason) when PostgreSQL, Redis, moto, rq or gunicorn are missing; with
``CI=true`` a missing piece fails the run instead. Settings (all optional):

- ``SMP_TEST_POSTGRES_URL``: the server to create the scratch database on (default: the server
  of ``SMP_TEST_DATABASE_URL`` when that is PostgreSQL, else postgres@127.0.0.1:5432);
- ``SMP_TEST_REDIS_URL``: the Redis server (default 127.0.0.1:6379), whose databases 12 to 15
  belong to this test: a run claims one, empties it and empties it again at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from bench.synthetic import make_photo
from smp_academy import create_app
from smp_academy.certificates import documents as certificate_documents
from smp_academy.certificates import services as certificates
from smp_academy.certificates.dev_identity import (
    ensure_dev_credential_keys,
    ensure_dev_signing_identity,
)
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core import jobs
from smp_academy.courses.models import Course
from smp_academy.extensions import db
from smp_academy.practice import services as practice
from smp_academy.practice.models import Exercise, Photo
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.production]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment running the tests
PREFIX = "stack"
JOB_TIMEOUT = 60.0  # seconds for the worker to finish one job (its first one imports a lot)
WORKER_OPTIONS = ["--worker-class", "smp_academy.core.jobs.Worker", "--with-scheduler"]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379"
REDIS_DBS = (15, 14, 13, 12)  # this test's own: claimed one at a time, flushed
REDIS_CLAIM = "smp-stack:claim"
REDIS_CLAIM_SECONDS = 600
AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
AWS_UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL")


def unavailable(reason: str) -> NoReturn:
    """Skip: this machine lacks a piece of the stack; in CI that is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"production stack unavailable in CI: {reason}", pytrace=False)
    pytest.skip(f"production stack unavailable: {reason}")


def executable(name: str) -> str:
    path = BIN / name
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    found = shutil.which(name)
    if found is None:
        unavailable(f"no `{name}` executable next to {sys.executable} or on PATH")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    what: str,
    ready: Callable[[], Any],
    timeout: float,
    interval: float = 0.2,
    details: Callable[[], str] = str,
) -> Any:
    """Poll ``ready()`` until it returns something truthy; fail with ``what`` (and
    ``details()``, e.g. a log's tail) on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(
                f"timed out after {timeout:.0f} s waiting for {what}\n{details()}", pytrace=False
            )
        time.sleep(interval)


def stop_all(processes: list[subprocess.Popen], grace: float = 20.0) -> None:
    """Ask processes started in sessions of their own to stop, all at once (each takes a few
    seconds to exit); kill what lingers, children included (an RQ work horse, gunicorn's
    workers must not outlive their parent)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------- the stack


@pytest.fixture(autouse=True)
def _transaction() -> Iterator[None]:
    """Replaces the suite's per-test rolled-back transaction (and its session app): here the
    app, the worker and gunicorn share one real database, so every unit of work commits."""
    yield


@pytest.fixture(scope="module")
def aws_env() -> Iterator[dict[str, str]]:
    """Fake credentials for moto, in this process (the app's S3 client) and the others."""
    with pytest.MonkeyPatch.context() as patch:
        for name in AWS_UNSET:
            patch.delenv(name, raising=False)
        for name, value in AWS.items():
            patch.setenv(name, value)
        yield dict(AWS)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped at the end."""
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed")
    server = os.environ.get("SMP_TEST_POSTGRES_URL")
    if not server:
        suite = os.environ.get("SMP_TEST_DATABASE_URL", "")
        server = suite if suite.startswith(("postgresql", "postgres:")) else DEFAULT_POSTGRES
    url = make_url(server).set(drivername="postgresql")
    admin_dsn = url.set(database="postgres").render_as_string(hide_password=False)
    name = f"smp_stack_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        unavailable(f"no PostgreSQL at {url.host}:{url.port or 5432} ({error})")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(
                hide_password=False
            )
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis database of our own (RQ's queue, the rate limits), empty before and after.

    Several test runs may share this machine's Redis: each claims one of REDIS_DBS with a
    key that expires (so a killed run frees its database), and waits while all are taken."""
    from redis import Redis
    from redis.exceptions import RedisError

    server = os.environ.get("SMP_TEST_REDIS_URL", DEFAULT_REDIS)
    token = secrets.token_hex(8)
    try:
        Redis.from_url(server, socket_connect_timeout=5).ping()
    except RedisError as error:
        unavailable(f"no Redis at {server} ({error})")

    def claim() -> tuple[str, Redis] | None:
        for number in REDIS_DBS:
            url = urlunsplit(urlsplit(server)._replace(path=f"/{number}"))
            client = Redis.from_url(url)
            if client.set(REDIS_CLAIM, token, nx=True, ex=REDIS_CLAIM_SECONDS):
                return url, client
            client.close()
        return None

    url, client = wait_for(f"a free Redis database of {REDIS_DBS}", claim, timeout=120, interval=1)
    try:
        clear(client)  # whatever a killed run left behind
        yield url
    finally:
        clear(client)
        if client.get(REDIS_CLAIM) == token.encode():
            client.delete(REDIS_CLAIM)
        client.close()


def clear(client: Any) -> None:
    """Empty a claimed database, keeping the claim."""
    for key in client.scan_iter(count=1000):
        if key != REDIS_CLAIM.encode():
            client.delete(key)


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: Any

    def objects(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"{PREFIX}/{key}")["Body"].read()


@pytest.fixture(scope="module")
def bucket(aws_env: dict[str, str]) -> Iterator[Bucket]:
    """moto's S3 server on a free port with one bucket; emptied, deleted and stopped at the end."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        unavailable(f"moto's server is not installed ({error}; pip install 'moto[server]')")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint)
        name = f"smp-stack-{secrets.token_hex(4)}"
        client.create_bucket(Bucket=name)
        found = Bucket(name, endpoint, client)
        try:
            yield found
        finally:
            for key in found.objects():
                client.delete_object(Bucket=name, Key=key)
            client.delete_bucket(Bucket=name)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def signing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The signing key and certificate production demands (a development pair here)."""
    return ensure_dev_signing_identity(tmp_path_factory.mktemp("signing"))


@pytest.fixture(scope="module")
def credential_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The credential key folder production demands (a development folder here)."""
    return ensure_dev_credential_keys(tmp_path_factory.mktemp("credentials"))


@pytest.fixture(scope="module")
def settings(
    database_url: str,
    redis_url: str,
    bucket: Bucket,
    signing: tuple[Path, Path],
    credential_keys: Path,
) -> dict[str, str]:
    """The SMP_* settings every process of the stack runs with."""
    key, cert = signing
    return {
        "SMP_ENV": "production",
        "SMP_SECRET_KEY": secrets.token_hex(32),
        "SMP_DATABASE_URL": database_url,
        "SMP_REDIS_URL": redis_url,
        "SMP_STORAGE_URL": f"s3://{bucket.name}/{PREFIX}",
        "SMP_S3_ENDPOINT_URL": bucket.endpoint_url,
        "SMP_BASE_URL": "http://academy.example.org",
        "SMP_SIGNING_KEY_PATH": str(key),
        "SMP_SIGNING_CERT_PATH": str(cert),
        "SMP_CREDENTIAL_KEYS_PATH": str(credential_keys),
    }


@pytest.fixture(scope="module")
def child_env(settings: dict[str, str], aws_env: dict[str, str]) -> dict[str, str]:
    """The environment of the worker, gunicorn and the migration: ours, not the caller's SMP_*."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SMP_", "AWS_")) and k not in {"PYTHONPATH", "CI"}
    }
    return inherited | aws_env | settings | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


@dataclass
class Service:
    """A process of the stack and its log."""

    name: str
    process: subprocess.Popen
    log: Path

    def said(self) -> str:
        return f"--- {self.name} log ---\n{tail(self.log)}"

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(
                f"{self.name} exited with {self.process.returncode}\n{self.said()}", pytrace=False
            )


@dataclass
class Stack:
    worker: Service
    web: Service
    web_url: str


@pytest.fixture(scope="module")
def stack(
    child_env: dict[str, str], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The processes an operator starts, as the README says: a long-running ``rq worker`` on
    the "smp" queue (the academy's worker class; the scheduler runs the retries' back-off),
    ``gunicorn -c gunicorn.conf.py wsgi:app`` with two workers on a free port, and
    ``flask db upgrade``. The two servers start first and load the app while the migration
    runs (neither touches a table before a job or request needs one); both are stopped at
    the end, whatever happened."""
    logs = tmp_path_factory.mktemp("stack")
    port = free_port()
    started: list[subprocess.Popen] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> Service:
        log = logs / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return Service(name, process, log)

    rq, gunicorn = executable("rq"), executable("gunicorn")
    flask = executable("flask")
    try:
        name = f"smp-stack-{secrets.token_hex(3)}"
        worker = start(
            "rq worker",
            [rq, "worker", "--url", redis_url, *WORKER_OPTIONS, "--name", name, "smp"],
            child_env,
        )
        web_env = child_env | {
            "SMP_WEB_WORKERS": "2",
            "SMP_WEB_BIND": f"127.0.0.1:{port}",
            # gunicorn 27's control socket defaults to one path per user: not ours to take
            "GUNICORN_CMD_ARGS": f"--control-socket {logs / 'gunicorn.ctl'}",
        }
        web = start("gunicorn", [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"], web_env)
        migration = subprocess.run(
            [flask, "--app", "smp_academy", "db", "upgrade"],
            cwd=ROOT,
            env=child_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert migration.returncode == 0, (
            f"flask db upgrade failed:\n{migration.stdout}\n{migration.stderr}"
        )
        yield Stack(worker, web, f"http://127.0.0.1:{port}")
    finally:
        stop_all(started)


@pytest.fixture(scope="module")
def stack_app(stack: Stack, settings: dict[str, str], aws_env: dict[str, str]) -> Iterator[Flask]:
    """The academy in this process, on the same database, Redis and bucket."""
    config = {key.removeprefix("SMP_"): value for key, value in settings.items()}
    config.pop("ENV")
    app = create_app(config | {"PRODUCTION": True, "RATELIMIT_ENABLED": False})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app_context(stack_app: Flask) -> Iterator[None]:
    with stack_app.app_context():
        try:
            yield
        finally:
            db.session.rollback()
            db.session.remove()


def rq_trouble(queue: Any) -> str:
    """Jobs that failed (or failed once and wait for their retry), with their tracebacks."""
    troubled = queue.failed_job_registry.get_job_ids() + queue.scheduled_job_registry.get_job_ids()
    reports = []
    for job in filter(None, map(queue.fetch_job, troubled)):
        result = job.latest_result()
        reports.append(f"{job.description}: {result.exc_string if result else job.get_status()}")
    return "\n".join(reports)


def wait_for_worker(what: str, worker: Service, ready: Callable[[], Any]) -> Any:
    """Poll ``ready()`` (in a fresh transaction each time) until the worker has done its job;
    fail at once when the worker dies or a job fails, with what the worker said."""
    from redis import Redis
    from rq import Queue

    with Redis.from_url(current_app.config["REDIS_URL"]) as redis:
        queue = Queue("smp", connection=redis)

        def check() -> Any:
            worker.check_alive()
            trouble = rq_trouble(queue)
            if trouble:
                pytest.fail(
                    f"a job failed on the worker:\n{trouble}\n{worker.said()}", pytrace=False
                )
            db.session.rollback()  # a new transaction sees what the worker committed
            db.session.expire_all()
            return ready()

        return wait_for(what, check, JOB_TIMEOUT, interval=0.25, details=worker.said)


# --------------------------------------------------------------------------- data


def committed_exercise() -> Exercise:
    n = secrets.token_hex(3)
    course = Course(
        slug=f"stack-course-{n}", title="Stack course", level="foundation", estimated_hours=1
    )
    db.session.add(course)
    db.session.flush()
    exercise = Exercise(
        slug=f"stack-drill-{n}",
        course_id=course.id,
        title="Density drill",
        instructions_html="<p>Fill the square with dots.</p>",
        spec={"photos": {"min": 1, "max": 1}, "target": {}, "rubric": [], "pass_rule": {}},
        content_hash="0" * 64,
    )
    db.session.add(exercise)
    db.session.flush()
    return exercise


def committed_certification() -> Certification:
    n = secrets.token_hex(3)
    certification = Certification(
        slug=f"stack-cert-{n}",
        title="Certified SMP Practitioner",
        description="Competent to plan and perform scalp micropigmentation treatments.",
        validity_months=24,
        requires={"courses": [], "quizzes": [], "exercises": []},
        renewal={"courses": [], "quizzes": [], "exercises": []},
        content_hash="0" * 64,
    )
    db.session.add(certification)
    db.session.flush()
    return certification


def issue_certificate() -> Certificate:
    """One certificate issued by an admin and committed; its PDF is rendered by a job."""
    admin = factories.user(role="admin", name="Adam Admin")
    holder = factories.user(role="trainee", name="Amara Okonkwo-Lindqvist")
    cert = certificates.issue_manually(
        admin, holder, committed_certification(), "Production stack test"
    )
    jobs.commit()
    return cert


# --------------------------------------------------------------------------- the tests


def test_a_practice_photo_is_analysed_by_the_worker(app_context, stack: Stack, bucket: Bucket):
    jpeg, truth = make_photo(1, background="paper", px_per_mm=10, gradient=False)
    trainee = factories.user(role="trainee", name="Terry Trainee")
    exercise = committed_exercise()
    submission = practice.submit(trainee, exercise, [practice.Upload("drill.jpg", jpeg)])
    jobs.commit()
    photo_id = submission.photos[0].id
    stored = bucket.objects()
    photo = db.session.get(Photo, photo_id)
    assert {f"{PREFIX}/{photo.storage_key}", f"{PREFIX}/{photo.thumb_key}"} <= stored

    def analysed() -> Photo | None:
        photo = db.session.get(Photo, photo_id)
        return photo if photo.analysis_status != "pending" else None

    photo = wait_for_worker("the worker to analyse the photo", stack.worker, analysed)
    assert photo.analysis_status == "done", (photo.analysis_status, photo.analysis_error)
    counted = photo.analysis["dot_count"]
    assert abs(counted - truth.dot_count) <= 0.03 * truth.dot_count, (counted, truth.dot_count)
    assert photo.overlay_key and photo.overlay_key.endswith(".overlay.png")
    assert bucket.get(photo.overlay_key).startswith(b"\x89PNG\r\n\x1a\n")


def test_a_certificate_is_rendered_by_the_worker(app_context, stack: Stack, bucket: Bucket):
    cert = issue_certificate()
    cert_id, code = cert.id, cert.code
    assert cert.pdf_key is None  # rendering is the worker's job, not the request's

    def rendered() -> Certificate | None:
        cert = db.session.get(Certificate, cert_id)
        return cert if cert.pdf_key else None

    cert = wait_for_worker("the worker to render the certificate", stack.worker, rendered)
    pdf = bucket.get(cert.pdf_key)
    assert pdf.startswith(b"%PDF")
    check, found = certificate_documents.check_pdf(pdf)
    assert check.is_genuine, check.reason
    assert check.code == code
    assert found is not None and found.id == cert_id


def get(url: str) -> tuple[int, Any]:
    """Status and body (decoded JSON, or the text when it is not JSON) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode(errors="replace")[:2000]


def test_gunicorn_serves_health_and_certificates(app_context, stack: Stack):
    web = stack.web

    def up() -> bool:
        web.check_alive()
        try:
            return get(f"{stack.web_url}/healthz")[0] == 200
        except OSError:
            return False

    wait_for(f"gunicorn to answer on {stack.web_url}", up, timeout=45, details=web.said)
    cert = issue_certificate()

    assert get(f"{stack.web_url}/healthz") == (200, {"status": "ok"}), web.said()
    status, body = get(f"{stack.web_url}/api/v1/certificates/{cert.code}")
    assert status == 200, (body, web.said())
    assert body["code"] == cert.code
    assert body["status"] == "valid"
    assert body["holder_name"] == "Amara Okonkwo-Lindqvist"
    assert body["verify_url"] == f"http://academy.example.org/verify/{cert.code}"
    with urllib.request.urlopen(f"{stack.web_url}/healthz", timeout=10) as response:
        assert response.headers.get("Server") is None  # the stack does not name itself


def test_a_job_lost_between_commit_and_queue_runs_after_maintenance(
    app_context, stack: Stack, child_env: dict[str, str]
):
    """The process dies right after committing a submission, before queueing its analysis:
    the job is a committed row, so ``flask maintenance run`` hands it to the worker."""
    jpeg, _ = make_photo(2, background="paper", px_per_mm=10, gradient=False)
    trainee = factories.user(role="trainee", name="Crash Test")
    submission = practice.submit(trainee, committed_exercise(), [practice.Upload("d.jpg", jpeg)])
    jobs.discard_pending()  # the crash: nothing reaches Redis
    db.session.commit()
    photo_id = submission.photos[0].id
    maintenance = subprocess.run(
        [executable("flask"), "--app", "smp_academy", "maintenance", "run"],
        cwd=ROOT,
        env=child_env | {"SMP_JOB_STALE_SECONDS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert maintenance.returncode == 0, maintenance.stderr
    assert "dispatched" in maintenance.stdout and "dispatched 0 " not in maintenance.stdout

    def analysed() -> Photo | None:
        photo = db.session.get(Photo, photo_id)
        return photo if photo.analysis_status != "pending" else None

    photo = wait_for_worker("the worker to analyse the recovered job", stack.worker, analysed)
    assert photo.analysis_status == "done", (photo.analysis_status, photo.analysis_error)


def test_a_worker_without_a_signing_key_refuses_to_start(child_env: dict[str, str]):
    env = {k: v for k, v in child_env.items() if not k.startswith("SMP_SIGNING_")}
    started = subprocess.run(
        [executable("rq"), "worker", "--url", env["SMP_REDIS_URL"], *WORKER_OPTIONS, "--burst",
         "smp-empty"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert started.returncode != 0
    assert "SMP_SIGNING_KEY_PATH and SMP_SIGNING_CERT_PATH must be set" in started.stderr
