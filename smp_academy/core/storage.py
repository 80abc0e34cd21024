"""File storage behind one small interface: local files (default) or S3, by SMP_STORAGE_URL.

Files are written completely before the row that names them is committed (temporary name and
atomic rename locally; a completed PUT on S3). Every file written during a unit of work is
remembered with it: when the unit of work is rolled back (a refused form, a failed commit, a
failed job) its files are deleted at once, and files it asked to delete go only after its
commit. Only a crash between the write and the commit leaves a file without a row, which
``orphan_keys`` finds for the cleanup command. Keys are random, never guessable.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from smp_academy.extensions import db

_WRITTEN = "smp_files_written"  # keys written by the current unit of work
_DOOMED = "smp_files_doomed"  # keys to delete once the unit of work commits


class StorageError(RuntimeError):
    pass


@dataclass(frozen=True)
class StoredFile:
    key: str
    modified_at: datetime


def new_key(prefix: str, suffix: str = "") -> str:
    """A fresh, unguessable key such as ``photos/2Xb…Qk.jpg``."""
    return f"{prefix}/{secrets.token_urlsafe(24)}{suffix}"


class Storage(ABC):
    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Write a file, remembered with the current unit of work (deleted if it rolls back)."""
        db.session.info.setdefault(_WRITTEN, []).append(key)
        self._write(key, data, content_type)

    def delete_after_commit(self, key: str) -> None:
        """Delete a file once the unit of work that stops naming it has committed."""
        db.session.info.setdefault(_DOOMED, []).append(key)

    @abstractmethod
    def _write(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def load(self, key: str) -> bytes: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def files(self, prefix: str = "") -> Iterator[StoredFile]: ...

    def exists(self, key: str) -> bool:
        try:
            self.load(key)
        except (FileNotFoundError, StorageError):
            return False
        return True


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError(f"key outside the storage root: {key!r}")
        return path

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def files(self, prefix: str = "") -> Iterator[StoredFile]:
        base = self.root / prefix if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file():  # leftover .tmp- files of a crashed write are orphans too
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                yield StoredFile(str(path.relative_to(self.root)), modified)


class S3Storage(Storage):
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None) -> None:
        import boto3  # only a process that stores on S3 pays for boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            config=BotoConfig(
                retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"}
            ),
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def load(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(key) from None
            raise StorageError(str(error)) from error

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def files(self, prefix: str = "") -> Iterator[StoredFile]:
        paginator = self.client.get_paginator("list_objects_v2")
        # a folder, as on disk: "photos" lists photos/…, never photos-old/…
        scope = prefix.strip("/")
        full = self._key(f"{scope}/") if scope else (f"{self.prefix}/" if self.prefix else "")
        strip = len(self.prefix) + 1 if self.prefix else 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            for item in page.get("Contents", []):
                yield StoredFile(item["Key"][strip:], item["LastModified"])


def storage_from_url(url: str, endpoint_url: str | None = None) -> Storage:
    """``file:///path`` or ``s3://bucket/prefix``."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(Path(parts.path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError("SMP_STORAGE_URL s3://bucket/prefix needs a bucket")
        return S3Storage(parts.netloc, parts.path, endpoint_url)
    raise StorageError(f"unsupported storage URL: {url}")


def get_storage() -> Storage:
    """The app's storage, created once per app."""
    storage = current_app.extensions.get("smp_storage")
    if storage is None:
        storage = storage_from_url(
            current_app.config["STORAGE_URL"], current_app.config.get("S3_ENDPOINT_URL")
        )
        current_app.extensions["smp_storage"] = storage
    return storage


def after_commit() -> None:
    """The unit of work committed: its files stay; the files it let go are deleted."""
    db.session.info.pop(_WRITTEN, None)
    _delete_quietly(db.session.info.pop(_DOOMED, []))


def after_rollback() -> None:
    """The unit of work was rolled back: the files it wrote name nothing, delete them now."""
    db.session.info.pop(_DOOMED, None)
    _delete_quietly(db.session.info.pop(_WRITTEN, []))


def _delete_quietly(keys: list[str]) -> None:
    """Best effort: a file that cannot be deleted now is an orphan for the cleanup command."""
    if not keys:
        return
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except (OSError, StorageError):
            current_app.logger.warning("could not delete %s; the cleanup will", key)


def orphan_keys(
    storage: Storage, prefix: str, known: Iterable[str], older_than: datetime
) -> list[str]:
    """Stored files under ``prefix`` that no row refers to and that are older than
    ``older_than`` (a younger file may belong to an upload whose row is being committed)."""
    known_set = set(known)
    return [
        f.key
        for f in storage.files(prefix)
        if f.key not in known_set and f.modified_at < older_than
    ]
