"""Registers each domain's command group on the app."""

from __future__ import annotations

import importlib

from flask import Flask

#: (module, command group) for every ``flask --app smp_academy <group>``
COMMAND_GROUPS = (
    ("auth.cli", "users"),
    ("admin.content_sync", "content"),
    ("admin.demo", "demo"),
    ("certificates.cli", "certificates"),
    ("verification.cli", "clinics"),
    ("practice.cli", "practice"),
    ("admin.storage", "storage"),
    ("admin.maintenance", "maintenance"),
)


def register(app: Flask) -> None:
    for module, group in COMMAND_GROUPS:
        app.cli.add_command(getattr(importlib.import_module(f"smp_academy.{module}"), group))
