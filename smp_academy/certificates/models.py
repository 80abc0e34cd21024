"""Certifications (from content/)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smp_academy.extensions import db


class Certification(db.Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)
    # {"courses": [...], "quizzes": [...], "exercises": [...]}
    requires: Mapped[dict[str, Any]] = mapped_column(JSON)
    renewal: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
