"""Settings: embedded development defaults, overridden by ``SMP_*`` environment variables.

The environment is read here and nowhere else (CONTRACT.md section 2).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "PRODUCTION": False,  # or SMP_ENV=production
    "BASE_URL": "http://127.0.0.1:5000",
    "REDIS_URL": None,
    "MAIL_URL": None,
    "MAIL_SENDER": "SMP Academy <no-reply@smp-academy.local>",
    "S3_ENDPOINT_URL": None,
    "SIGNING_KEY_PATH": None,
    "SIGNING_CERT_PATH": None,
    # a folder of Ed25519 keys that sign Open Badges credentials (README, "Digital credentials")
    "CREDENTIAL_KEYS_PATH": None,
    # the academy's LinkedIn page id: "Add to LinkedIn profile" then links to it (else the name)
    "LINKEDIN_ORGANIZATION_ID": None,
    "ACADEMY_NAME": "SMP Academy",
    "SIGNATORY_NAME": "Dr. Alex Morgan",
    "SIGNATORY_TITLE": "Director of Training",
    # Argon2id at OWASP's recommended minimum: m=19 MiB, t=2, p=1.
    "PASSWORD_HASH": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
    "PASSWORD_RESET_MAX_AGE": 3600,
    "SESSION_LIFETIME": timedelta(hours=12),
    "REMEMBER_LIFETIME": timedelta(days=30),
    "MAX_CONTENT_LENGTH": 160 * 1024 * 1024,
    "UPLOAD_MAX_BYTES": 25 * 1024 * 1024,
    "UPLOAD_MAX_PIXELS": 40_000_000,
    # client photos of the clinical pathway are erased this long after their case closed
    "CLIENT_MEDIA_RETENTION_DAYS": 730,
    "RATELIMIT_LOGIN": "10 per minute",
    "RATELIMIT_PUBLIC_LOOKUP": "30 per minute",
    "RATELIMIT_BATCH": "600 per minute",  # codes, not calls: a batch of 100 costs 100
    "RATELIMIT_ENABLED": True,
    # a background job still pending this long after its commit was lost on its way to a
    # worker (or the queue is far behind): `flask maintenance run` dispatches it again
    "JOB_STALE_SECONDS": 300,
    # a submission claimed for grading and left this long goes back to the queue
    "CLAIM_TIMEOUT_HOURS": 8,
}


class ConfigError(SystemExit):
    """The settings cannot run the application (e.g. production without a secret key).

    A ``SystemExit``: every process that builds the app (gunicorn, an RQ worker, a ``flask``
    command) stops at start with this one line on stderr, never a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")


def build_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the Flask config: defaults, then SMP_* variables, then explicit overrides."""
    config = dict(DEFAULTS)
    config.update(_from_environment())
    config.update(overrides or {})
    production = bool(config.get("PRODUCTION")) or os.environ.get("SMP_ENV") == "production"
    config["PRODUCTION"] = production
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError("SMP_SECRET_KEY must be set in production")
        config["SECRET_KEY"] = _development_secret(instance_path)
    config.update(_signing_identity(config, instance_path, production))
    config.update(_credential_keys(config, instance_path, production))
    config.setdefault("DATABASE_URL", f"sqlite:///{instance_path / 'smp_academy.db'}")
    config.setdefault("STORAGE_URL", f"file://{instance_path / 'files'}")
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    config.update(_derived(config))
    return config


def _signing_identity(config: dict[str, Any], instance_path: Path, production: bool) -> dict:
    """The key that signs certificate PDFs: configured in production (a process never invents
    one there), a development pair in instance/ otherwise."""
    key, cert = config.get("SIGNING_KEY_PATH"), config.get("SIGNING_CERT_PATH")
    if key and cert:
        return {}
    if production:
        raise ConfigError(
            "SMP_SIGNING_KEY_PATH and SMP_SIGNING_CERT_PATH must be set in production"
        )
    from smp_academy.certificates.dev_identity import ensure_dev_signing_identity

    key_path, cert_path = ensure_dev_signing_identity(
        Path(config.get("INSTANCE_DIR") or instance_path)
    )
    return {"SIGNING_KEY_PATH": str(key_path), "SIGNING_CERT_PATH": str(cert_path)}


def _credential_keys(config: dict[str, Any], instance_path: Path, production: bool) -> dict:
    """The folder of the keys that sign Open Badges credentials: configured in production (its
    keys are the academy's identity, published in did.json), a development folder in
    instance/ otherwise, generated once."""
    if config.get("CREDENTIAL_KEYS_PATH"):
        return {}
    if production:
        raise ConfigError("SMP_CREDENTIAL_KEYS_PATH must be set in production")
    from smp_academy.certificates.dev_identity import ensure_dev_credential_keys

    folder = ensure_dev_credential_keys(Path(config.get("INSTANCE_DIR") or instance_path))
    return {"CREDENTIAL_KEYS_PATH": str(folder)}


def _from_environment() -> dict[str, Any]:
    """The SMP_* variables, without the prefix (SMP_DATABASE_URL -> DATABASE_URL), as the type
    of their default (so SMP_RATELIMIT_ENABLED=false is False)."""
    return {
        key.removeprefix("SMP_"): _typed(value, DEFAULTS.get(key.removeprefix("SMP_")))
        for key, value in os.environ.items()
        if key.startswith("SMP_") and value != "" and not key.startswith("SMP_TEST_")
    }


def _typed(value: str, default: Any) -> Any:
    """``value`` as the type of ``default``: a boolean, a whole number, a duration in seconds
    (SMP_SESSION_LIFETIME=3600) or a JSON object (SMP_PASSWORD_HASH='{"time_cost": 3, …}')."""
    if isinstance(default, timedelta):
        return timedelta(seconds=_typed(value, 0))
    if isinstance(default, dict):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ConfigError(f"expected a JSON object, got {value!r}")
        return parsed
    if isinstance(default, bool):
        if value.lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ConfigError(f"expected true or false, got {value!r}")
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"expected a whole number, got {value!r}") from None
    return value


def _derived(config: dict[str, Any]) -> dict[str, Any]:
    """Settings of Flask and its extensions that follow from ours."""
    secure = config["BASE_URL"].startswith("https://")
    return {
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(config["DATABASE_URL"]),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(config["DATABASE_URL"]),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": config["REMEMBER_LIFETIME"],
        "PERMANENT_SESSION_LIFETIME": config["REMEMBER_LIFETIME"],
        "RATELIMIT_STORAGE_URI": config["REDIS_URL"] or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
    }


def _normalise_db_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def _development_secret(instance_path: Path) -> str:
    """A random key generated once and kept in instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
