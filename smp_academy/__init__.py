"""SMP Academy: training and certification for scalp micropigmentation practitioners.

Importing the package imports nothing else: ``create_app`` imports the web parts when it runs,
so a pure module (``smp_academy.practice.analysis``, ``smp_academy.quizzes.question_types``)
loads without Flask, and every command pays only for what it uses.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

#: every module that defines tables, so that Alembic and the app see the whole schema
MODEL_MODULES = tuple(
    f"smp_academy.{domain}.models"
    for domain in (
        "core",
        "auth",
        "courses",
        "quizzes",
        "practice",
        "grading",
        "clinical",
        "certificates",
        "verification",
    )
)
#: the web pages and the JSON API (a module may add routes to another's blueprint)
VIEW_MODULES = (
    "core.views",
    "auth.views",
    "admin.views",
    "admin.cohorts",
    "admin.data_views",
    "admin.pathway",
    "courses.views",
    "quizzes.views",
    "practice.views",
    "grading.views",
    "clinical.views",
    "clinical.supervision",
    "certificates.views",
    "verification.views",
    "verification.api",
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI, error handlers."""
    from smp_academy import cli
    from smp_academy.auth.sessions import init_login
    from smp_academy.certificates import receivers as certificate_receivers
    from smp_academy.config import build_config
    from smp_academy.core import boundary, web
    from smp_academy.extensions import csrf, db, limiter, login_manager, migrate
    from smp_academy.verification import receivers as verification_receivers

    app = boundary.Academy(
        __name__, instance_path=str(ROOT / "instance"), template_folder=str(ROOT / "templates")
    )
    app.config.update(build_config(Path(app.instance_path), config))
    app.config.setdefault("CONTENT_PATH", str(ROOT / "content"))
    for module in MODEL_MODULES:
        importlib.import_module(module)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    init_login(login_manager)
    csrf.init_app(app)
    limiter.init_app(app)
    boundary.install(app)
    blueprints = [importlib.import_module(f"smp_academy.{module}").bp for module in VIEW_MODULES]
    for blueprint in dict.fromkeys(blueprints):  # admin.cohorts adds routes to admin's
        app.register_blueprint(blueprint)
    web.register_request_hooks(app)
    certificate_receivers.connect_receivers()
    verification_receivers.connect_receivers()
    cli.register(app)
    return app
