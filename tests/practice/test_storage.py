"""The storage contract, run against both backends: local files and S3 (a real moto server
process started here), an upload through the app on S3, and a crash between writing the files
and committing the rows, which ``flask storage cleanup`` repairs."""

from __future__ import annotations

import io
import itertools
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import boto3
import pytest
from PIL import Image
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from smp_academy.core.clock import now_utc
from smp_academy.core.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    StorageError,
    new_key,
    orphan_keys,
    storage_from_url,
)
from smp_academy.extensions import db
from smp_academy.practice.models import Photo, Submission
from tests.conftest import csrf_token
from tests.grading import helpers

try:  # optional on a developer machine; CI must have it
    from moto.server import ThreadedMotoServer
except ImportError:
    ThreadedMotoServer = None

BUCKET = "smp-test-files"
_prefixes = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 for this module, with fake credentials and one bucket."""
    if ThreadedMotoServer is None:
        message = "moto is not installed: the S3 storage tests need its server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: they may not be skipped)")
        pytest.skip(message)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.delenv("AWS_PROFILE", raising=False)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> Storage:
    """A fresh, empty storage of each kind (on S3: a prefix of its own in the shared bucket)."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    endpoint = request.getfixturevalue("moto_endpoint")
    return storage_from_url(f"s3://{BUCKET}/run-{next(_prefixes)}/", endpoint)


# --------------------------------------------------------------------------- the contract


def test_save_then_load_returns_the_same_bytes(store):
    key = new_key("photos", ".jpg")
    store.save(key, b"\xff\xd8 some bytes", "image/jpeg")
    assert store.load(key) == b"\xff\xd8 some bytes"
    assert store.exists(key)
    store.save(key, b"replaced", "image/jpeg")  # a second save replaces the file whole
    assert store.load(key) == b"replaced"


def test_load_of_a_missing_key_raises_file_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.load("photos/never-written.jpg")
    assert not store.exists("photos/never-written.jpg")


def test_delete_removes_and_is_idempotent(store):
    key = new_key("photos", ".jpg")
    store.save(key, b"x", "image/jpeg")
    store.delete(key)
    store.delete(key)  # deleting what is gone is not an error
    assert not store.exists(key)
    assert list(store.files()) == []


def test_files_lists_keys_under_a_prefix_with_their_age(store):
    before = now_utc() - timedelta(minutes=5)
    photos = {new_key("photos", ".jpg") for _ in range(3)}
    for key in photos:
        store.save(key, b"p", "image/jpeg")
    store.save("certificates/abc.pdf", b"%PDF", "application/pdf")
    listed = list(store.files("photos"))
    assert {f.key for f in listed} == photos
    assert all(before < f.modified_at <= now_utc() + timedelta(minutes=5) for f in listed)
    assert {f.key for f in store.files()} == photos | {"certificates/abc.pdf"}
    assert list(store.files("nothing-here")) == []


def test_orphan_keys_are_unknown_and_old_enough(store):
    known, orphan = new_key("photos", ".jpg"), new_key("photos", ".jpg")
    store.save(known, b"k", "image/jpeg")
    store.save(orphan, b"o", "image/jpeg")
    store.save("certificates/other.pdf", b"%PDF", "application/pdf")
    later = now_utc() + timedelta(minutes=1)
    assert orphan_keys(store, "photos", {known}, older_than=later) == [orphan]
    # A young file may belong to an upload whose row is being committed: not yet an orphan.
    assert orphan_keys(store, "photos", {known}, older_than=now_utc() - timedelta(hours=1)) == []
    assert orphan_keys(store, "photos", {known, orphan}, older_than=later) == []


def test_new_keys_are_random_and_unguessable():
    keys = {new_key("photos", ".jpg") for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(key) == len("photos/") + 32 + len(".jpg") for key in keys)


def test_local_keys_cannot_leave_the_root(tmp_path):
    store = LocalStorage(tmp_path / "files")
    for key in ("../outside.jpg", "photos/../../outside.jpg", "/etc/passwd"):
        with pytest.raises(StorageError):
            store.save(key, b"x", "image/jpeg")
    assert not (tmp_path / "outside.jpg").exists()


def test_local_save_is_atomic_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path / "files")
    key = new_key("photos", ".jpg")
    store.save(key, b"old", "image/jpeg")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.save(key, b"new", "image/jpeg")
    assert store.load(key) == b"old"  # never half-written
    assert [f.key for f in store.files()] == [key]


def test_s3_keys_sit_under_the_prefix(moto_endpoint):
    store = storage_from_url(f"s3://{BUCKET}/academy/", moto_endpoint)
    assert isinstance(store, S3Storage)
    store.save("photos/a.jpg", b"a", "image/jpeg")
    try:
        head = store.client.head_object(Bucket=BUCKET, Key="academy/photos/a.jpg")
        assert head["ContentType"] == "image/jpeg"
        assert [f.key for f in store.files("photos")] == ["photos/a.jpg"]
    finally:
        store.delete("photos/a.jpg")


def test_storage_urls_are_checked():
    assert isinstance(storage_from_url("file:///tmp/x"), LocalStorage)
    for url in ("s3:///no-bucket", "ftp://example.org/files"):
        with pytest.raises(StorageError):
            storage_from_url(url)


# --------------------------------------------------------------------------- through the app


def _upload(client, exercise, name: str, data: bytes):
    token = csrf_token(client, f"/exercises/{exercise.slug}")
    return client.post(
        f"/exercises/{exercise.slug}/submissions",
        data={"csrf_token": token, "photos": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )


def test_an_upload_through_the_app_on_s3(app, client, login, trainee, moto_endpoint):
    store = storage_from_url(f"s3://{BUCKET}/app-{next(_prefixes)}", moto_endpoint)
    exercise = helpers.exercise()
    with helpers.swapped_storage(app, store):
        login(trainee)
        data = helpers.template_jpeg()
        assert _upload(client, exercise, "work.jpg", data).status_code == 302
        photo = db.session.scalar(select(Photo))
        assert helpers.stored_keys(store) == {photo.storage_key, photo.thumb_key, photo.overlay_key}
        served = client.get(f"/photos/{photo.id}/full")
        assert served.status_code == 200 and served.data == store.load(photo.storage_key)
        assert Image.open(io.BytesIO(served.data)).size == Image.open(io.BytesIO(data)).size
        assert client.get(f"/photos/{photo.id}/thumb").data == store.load(photo.thumb_key)


# --------------------------------------------------------------------------- a crash


@contextmanager
def flush_fails_once() -> Iterator[list[int]]:
    """The next flush that would insert a Submission fails, as if the database went away
    after the files were written."""
    calls: list[int] = []

    def fail(session, flush_context, instances):
        if not calls and any(isinstance(row, Submission) for row in session.new):
            calls.append(1)
            raise ConnectionError("database went away")

    event.listen(Session, "before_flush", fail)
    try:
        yield calls
    finally:
        event.remove(Session, "before_flush", fail)


@pytest.mark.parametrize("store", ["local", "s3"], indirect=True)
def test_a_crash_between_file_write_and_commit_leaves_no_orphans_after_cleanup(
    app, client, login, trainee, store
):
    exercise = helpers.exercise()
    with helpers.swapped_storage(app, store):
        kept = helpers.submission(trainee, exercise)  # earlier work whose files must stay
        kept.state = "needs_work"  # so that a new version may be submitted
        db.session.flush()
        kept_keys = {kept.photos[0].storage_key, kept.photos[0].thumb_key}
        assert helpers.stored_keys(store) == kept_keys

        login(trainee)
        with flush_fails_once() as failures:
            response = _upload(client, exercise, "crash.jpg", helpers.template_jpeg("mistyrose"))
        assert failures == [1]
        assert response.status_code == 500
        assert db.session.scalar(select(func.count(Submission.id))) == 1
        assert db.session.scalar(select(func.count(Photo.id))) == 1
        left = helpers.stored_keys(store) - kept_keys  # files written before the failure
        assert len(left) in (0, 2)  # the photo and its thumbnail, unless removed at once
        assert all(key.startswith("photos/") for key in left)

        runner = app.test_cli_runner()
        result = runner.invoke(args=["storage", "cleanup", "--min-age-minutes", "0"])
        assert result.exit_code == 0, result.output
        assert f"{len(left)} orphaned file(s) removed" in result.output
        assert helpers.stored_keys(store) == kept_keys  # no orphan, named files kept
        again = runner.invoke(args=["storage", "cleanup", "--min-age-minutes", "0"])
        assert "0 orphaned file(s) removed" in again.output


def test_cleanup_spares_young_files_and_dry_run_deletes_nothing(app, tmp_path):
    store = LocalStorage(tmp_path / "files")
    orphan = new_key("photos", ".jpg")
    store.save(orphan, b"o", "image/jpeg")
    runner = app.test_cli_runner()
    with helpers.swapped_storage(app, store):
        young = runner.invoke(args=["storage", "cleanup"])  # default: an hour old at least
        assert "0 orphaned file(s) removed" in young.output
        dry = runner.invoke(args=["storage", "cleanup", "--dry-run", "--min-age-minutes", "0"])
        assert f"would remove {orphan}" in dry.output
        assert store.exists(orphan)
