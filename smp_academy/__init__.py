"""SMP Academy: training and certification for scalp micropigmentation practitioners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from smp_academy import cli, models, web_setup  # noqa: F401 - models: the whole schema
from smp_academy.config import build_config
from smp_academy.extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI, error handlers."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(build_config(Path(app.instance_path), config))
    app.config.setdefault("CONTENT_PATH", str(ROOT / "content"))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    web_setup.register_blueprints(app)
    web_setup.register_request_hooks(app)
    web_setup.register_error_handlers(app)
    cli.register(app)
    return app
