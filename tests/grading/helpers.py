"""Test data for the practice and grading tests: an exercise with a small rubric and pass rule,
a cohort with a trainee and an instructor, submissions through the real ``practice.services
.submit``, small photos, and a per-test storage so "nothing stored" can be checked exactly.
Plain functions that flush; the test's transaction rolls them back."""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from flask import Flask, current_app
from PIL import Image

from smp_academy.auth.models import User
from smp_academy.core.storage import Storage
from smp_academy.courses.models import Cohort, Course
from smp_academy.extensions import db
from smp_academy.practice import services as practice
from smp_academy.practice.analysis import geometry
from smp_academy.practice.models import Exercise, Submission
from tests import factories

_n = itertools.count(1)


def _levels(descriptor: str) -> list[dict[str, Any]]:
    return [
        {"points": 0, "label": "Not yet", "descriptor": f"{descriptor}: far off."},
        {"points": 2, "label": "Developing", "descriptor": f"{descriptor}: nearly there."},
        {"points": 4, "label": "Proficient", "descriptor": f"{descriptor}: on target."},
    ]


#: Three criteria of 0/2/4 points; pass with 8 of 12 and at least 2 on each, so (4, 4, 0)
#: fails on ``min_each`` alone and (2, 2, 2) on ``min_total`` alone.
RUBRIC: list[dict[str, Any]] = [
    {
        "key": "size-consistency",
        "title": "Dot size consistency",
        "measure": "size_consistency",
        "levels": _levels("Size"),
    },
    {
        "key": "density",
        "title": "Density against the target",
        "measure": "density",
        "levels": _levels("Density"),
    },
    {
        "key": "spacing-randomness",
        "title": "Random spacing",
        "measure": "spacing",
        "levels": _levels("Spacing"),
    },
]
PASS_RULE = {"min_total": 8, "min_each": 2}
#: Targets the analysis can judge (size CV and density), as in content/.
TARGET = {"density_per_cm2": 12, "max_diameter_cv": 0.3, "tolerance": 0.2}


def exercise(
    *,
    photos: tuple[int, int] = (1, 3),
    target: dict[str, Any] | None = None,
    title: str | None = None,
) -> Exercise:
    """An exercise (in a course of its own) with RUBRIC and PASS_RULE."""
    n = next(_n)
    course = Course(
        slug=f"practice-course-{n}",
        title=f"Practice course {n}",
        level="foundation",
        estimated_hours=1,
    )
    db.session.add(course)
    db.session.flush()
    spec = {
        "photos": {"min": photos[0], "max": photos[1]},
        "target": target or {},
        "rubric": RUBRIC,
        "pass_rule": PASS_RULE,
    }
    row = Exercise(
        slug=f"drill-{n}",
        course_id=course.id,
        title=title or f"Dot drill {n}",
        instructions_html="<p>Fill the square with dots.</p>",
        spec=spec,
        content_hash=f"{n:064d}",
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class CohortSetup:
    """A cohort with one trainee and one instructor."""

    cohort: Cohort
    trainee: User
    instructor: User


def cohort_setup(name: str | None = None) -> CohortSetup:
    trainee = factories.user(role="trainee", name=f"Trainee {next(_n)}")
    instructor = factories.user(role="instructor", name=f"Instructor {next(_n)}")
    cohort = factories.cohort(name, trainees=[trainee], instructors=[instructor])
    return CohortSetup(cohort, trainee, instructor)


def jpeg(size: tuple[int, int] = (64, 48), color: Any = (180, 120, 90), **save: Any) -> bytes:
    """A small plain JPEG (``save`` passes e.g. ``exif=`` to Pillow)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    return out.getvalue()


#: the resolution of template photos: 10 px/mm, enough for the analysis not to warn
TEMPLATE_PX_PER_MM = 10
TEMPLATE_MARGIN_MM = 25


@functools.cache
def _template_gray() -> np.ndarray:
    """The printed frame seen from above (portrait, like the A4 page): the four markers, a few
    dots in the square."""
    x0, y0, x1, y1 = geometry.frame_bounds_mm()
    scale, margin = TEMPLATE_PX_PER_MM, TEMPLATE_MARGIN_MM

    def px(x_mm: float, y_mm: float) -> tuple[int, int]:
        return round((x_mm - x0 + margin) * scale), round((y_mm - y0 + margin) * scale)

    width, height = px(x1 + margin, y1 + 3 * margin)
    page = np.full((height, width), 255, np.uint8)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    side = round(geometry.MARKER_MM * scale)
    for marker_id, (x, y) in geometry.MARKER_ORIGINS_MM.items():
        left, top = px(x, y)
        page[top : top + side, left : left + side] = cv2.aruco.generateImageMarker(
            dictionary, marker_id, side
        )
    for row in range(5, 100, 10):
        for col in range(5, 100, 10):
            cv2.circle(page, px(col, row), 3, 20, -1)
    return page


def template_jpeg(color: Any = "white", **save: Any) -> bytes:
    """A measurable photo of the practice template on paper of ``color`` (``save`` passes e.g.
    ``exif=`` to Pillow); different colours make different files."""
    gray = Image.fromarray(_template_gray())
    paper = Image.new("RGB", gray.size, color)
    photo = Image.composite(paper, Image.new("RGB", gray.size, "black"), gray)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (40, 90, 160, 200)[: len(mode)]).save(out, fmt)
    return out.getvalue()


def submission(
    trainee: User, exercise_: Exercise, photos: list[bytes] | None = None, note: str = ""
) -> Submission:
    """A submission through the real service (its analysis jobs stay queued, never run)."""
    uploads = [
        practice.Upload(f"photo-{i}.jpg", data)
        for i, data in enumerate(photos or [template_jpeg()])
    ]
    with current_app.test_request_context():  # the instructors' notices carry links
        row = practice.submit(trainee, exercise_, uploads, note)
    db.session.flush()
    return row


def levels(size: int, density: int, spacing: int) -> dict[str, int]:
    """Points per criterion of RUBRIC, in its order."""
    return {"size-consistency": size, "density": density, "spacing-randomness": spacing}


@contextmanager
def swapped_storage(app: Flask, storage: Storage) -> Iterator[Storage]:
    """Let the app store files in ``storage`` for a while (a temporary root, a moto bucket)."""
    previous = app.extensions.get("smp_storage")
    app.extensions["smp_storage"] = storage
    try:
        yield storage
    finally:
        if previous is None:
            app.extensions.pop("smp_storage", None)
        else:
            app.extensions["smp_storage"] = previous


def stored_keys(storage: Storage) -> set[str]:
    return {f.key for f in storage.files()}
