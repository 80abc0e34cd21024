"""What the web benchmarks share: the bench database, accounts, the app factory and the storage."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/smp_bench"

# Seeded accounts: cheap Argon2 for the many, the real parameters for LOGIN_EMAIL.
CHEAP_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
DOMAIN = "bench.example.com"
PASSWORD = "bench-pass-2026!"
LOGIN_EMAIL = f"login@{DOMAIN}"
LEAD_EMAIL = f"lead@{DOMAIN}"  # instructs every cohort: sees all trainees in /grading
ADMIN_EMAIL = f"admin@{DOMAIN}"
CLINIC_EMAIL = f"clinic@{DOMAIN}"
RESERVED_TRAINEES = 32  # trainee00000..00031: no seeded attempts, free to start quizzes


def trainee_email(index: int) -> str:
    return f"trainee{index:05d}@{DOMAIN}"


def instructor_email(index: int) -> str:
    return f"instructor{index:02d}@{DOMAIN}"


def storage_dir(database_url: str) -> Path:
    """Where a bench database keeps its files (one folder per database, under results/)."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", database_url.rsplit("/", 1)[-1]).strip("-")
    return RESULTS / "storage" / (name or "default")


def app_config(database_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "DATABASE_URL": database_url,
        "STORAGE_URL": f"file://{storage_dir(database_url)}",
        "SECRET_KEY": "bench-only-secret",
        "PASSWORD_HASH": dict(CHEAP_HASH),
        "REDIS_URL": None,
        "RATELIMIT_ENABLED": False,
        **extra,
    }


def make_app(database_url: str, **extra: Any):
    from smp_academy import create_app

    return create_app(app_config(database_url, **extra))
