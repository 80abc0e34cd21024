"""Practice exercises (from content/)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.extensions import db


class Exercise(db.Model):
    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    instructions_html: Mapped[str] = mapped_column(Text)
    # photos {min, max}, target {...}, rubric [...], pass_rule {...}
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course = relationship("Course", lazy="raise")

    @property
    def rubric(self) -> list[dict[str, Any]]:
        return self.spec.get("rubric", [])

    @property
    def max_points(self) -> int:
        return sum(max(level["points"] for level in c["levels"]) for c in self.rubric)
