"""Registers each domain's command group on the app."""

from __future__ import annotations

from flask import Flask

from smp_academy.auth.cli import users
from smp_academy.certificates.cli import certificates, clinics
from smp_academy.content_sync import content
from smp_academy.demo import demo
from smp_academy.maintenance import maintenance
from smp_academy.practice.cli import practice
from smp_academy.storage_cli import storage


def register(app: Flask) -> None:
    for command in (
        users,
        content,
        demo,
        certificates,
        clinics,
        practice,
        storage,
        maintenance,
    ):
        app.cli.add_command(command)
