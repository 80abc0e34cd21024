"""Read and validate content/certifications.yaml. No Flask, no DB.

``requires:`` and ``renewal:`` are ordered lists with one requirement per item, either a piece of
content by slug or a count of practical work::

    requires:
      - course: smp-foundations
      - quiz: smp-foundations-quiz
      - exercise: paper-even-density
      - supervised_cases: {cases: 3, sessions: {direct: 6, independent: 2}}
      - healed_reviews: {count: 3}
      - observed_procedure: {count: 1}
      - practical_exam: {count: 1}
      - cpd_hours: {hours: 20, within_months: 36}

The older mapping ``{courses: [...], quizzes: [...], exercises: [...]}`` is still read, as the
list of its courses, then quizzes, then exercises. Each requirement is stored as a plain dict
(``{"kind": "course", "slug": ...}``, ``{"kind": "healed_reviews", "count": 3}``), in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smp_academy.clinical.checklists import SupervisionLevel
from smp_academy.core.content_files import ContentReader, positive, slug_check
from smp_academy.core.yaml_lines import LineDict

#: requirements that name a piece of content by its slug
SLUG_KINDS = ("course", "quiz", "exercise")
#: requirements that count practical work, with the numbers each takes (the first is required)
COUNT_KINDS: dict[str, tuple[str, ...]] = {
    "supervised_cases": ("cases", "sessions", "within_months"),
    "healed_reviews": ("count", "within_months"),
    "observed_procedure": ("count", "within_months"),
    "practical_exam": ("count", "within_months"),
    "cpd_hours": ("hours", "within_months"),
}
KINDS = SLUG_KINDS + tuple(COUNT_KINDS)
#: the old mapping's keys, each the plural of a slug kind (in the order it is read)
LEGACY_KEYS = {"courses": "course", "quizzes": "quiz", "exercises": "exercise"}


class RequirementList(list):
    """The requirements in order, as stored (plain dicts), with the line each was read from."""

    def __init__(self, found: Sequence[tuple[dict[str, Any], int]] = ()) -> None:
        super().__init__(requirement for requirement, _ in found)
        self.lines = [line for _, line in found]

    def line_of(self, kind: str, slug: str) -> int:
        """The line naming this piece of content, for a reference to something unknown."""
        return next(
            (
                line
                for r, line in zip(self, self.lines, strict=True)
                if r.get("slug") == slug and r["kind"] == kind
            ),
            1,
        )


def slugs_of(requirements: list[dict[str, Any]], kind: str) -> list[str]:
    return [r["slug"] for r in requirements if r["kind"] == kind]


def requirement_list(stored: Any) -> list[dict[str, Any]]:
    """A certification's stored requirements as the ordered list, whichever form they are in
    (rows synced before the list form hold the old mapping)."""
    if isinstance(stored, dict):
        return [
            {"kind": kind, "slug": slug}
            for key, kind in LEGACY_KEYS.items()
            for slug in stored.get(key) or []
        ]
    return list(stored or [])


@dataclass
class CertificationSpec:
    slug: str
    title: str
    description: str
    validity_months: int | None
    requires: RequirementList
    renewal: RequirementList


def read_certifications(reader: ContentReader, path: Path) -> list[CertificationSpec]:
    if not path.is_file():
        return []
    data = reader.mapping(path, reader.yaml(path))
    items = reader.field(path, data, "certifications", list, default=[]) if data else []
    result = []
    for item in items:
        if not isinstance(item, LineDict):
            reader.problem(path, 1, "each certification must be a mapping")
            continue
        validity = reader.field(path, item, "validity_months", int, required=False, check=positive)
        result.append(
            CertificationSpec(
                slug=reader.field(path, item, "slug", str, check=slug_check, default=""),
                title=reader.field(path, item, "title", str, default=""),
                description=reader.field(
                    path, item, "description", str, required=False, default=""
                ),
                validity_months=validity,
                requires=_requirements(reader, path, item, "requires", required=True),
                renewal=_requirements(reader, path, item, "renewal", required=False),
            )
        )
    return result


def _requirements(
    reader: ContentReader, path: Path, item: LineDict, key: str, *, required: bool
) -> RequirementList:
    data = reader.field(path, item, key, (list, LineDict), required=required, default=[])
    problems = len(reader.problems)
    if isinstance(data, LineDict):
        found = _legacy(reader, path, data)
    else:
        found = [
            (r, entry.line if isinstance(entry, LineDict) else item.line_of(key))
            for entry in data
            if (r := _requirement(reader, path, entry, item.line_of(key)))
        ]
    if required and not found and len(reader.problems) == problems:
        reader.problem(path, item.line_of(key), f"'{key}' lists no requirement")
    seen = set()
    for requirement, line in found:
        identity = (requirement["kind"], requirement.get("slug"))
        if identity in seen:
            what = requirement.get("slug") or requirement["kind"]
            reader.problem(path, line, f"'{key}' lists {what} twice")
        seen.add(identity)
    return RequirementList(found)


def _legacy(reader: ContentReader, path: Path, data: LineDict) -> list[tuple[dict, int]]:
    """The old mapping of plural kinds to slug lists, read as the list in that order."""
    for key in data:
        if key not in LEGACY_KEYS:
            reader.problem(path, data.line_of(key), f"unknown requirement kind '{key}'")
    return [
        ({"kind": kind, "slug": slug}, data.line_of(key))
        for key, kind in LEGACY_KEYS.items()
        for slug in reader.field(path, data, key, list, required=False, default=[])
        if _slug_ok(reader, path, data.line_of(key), kind, slug)
    ]


def _requirement(reader: ContentReader, path: Path, entry: Any, line: int) -> dict[str, Any] | None:
    """One list item: a mapping of exactly one kind to its slug or its numbers."""
    line = entry.line if isinstance(entry, LineDict) else line
    if not isinstance(entry, LineDict) or len(entry) != 1:
        reader.problem(path, line, f"each requirement is one of {', '.join(KINDS)}: value")
        return None
    [(kind, value)] = entry.items()
    if kind in SLUG_KINDS:
        return {"kind": kind, "slug": value} if _slug_ok(reader, path, line, kind, value) else None
    if kind not in COUNT_KINDS:
        reader.problem(path, line, f"unknown requirement kind '{kind}' (one of {', '.join(KINDS)})")
        return None
    if not isinstance(value, LineDict):
        reader.problem(
            path, line, f"'{kind}' needs a mapping such as {{{COUNT_KINDS[kind][0]}: 1}}"
        )
        return None
    return _counted(reader, path, kind, value)


def _slug_ok(reader: ContentReader, path: Path, line: int, kind: str, value: Any) -> bool:
    if not isinstance(value, str) or slug_check(value):
        reader.problem(path, line, f"'{kind}' needs a slug such as smp-foundations")
        return False
    return True


def _counted(reader: ContentReader, path: Path, kind: str, value: LineDict) -> dict | None:
    allowed = COUNT_KINDS[kind]
    problems = len(reader.problems)
    for key in value:
        if key not in allowed:
            reader.problem(path, value.line_of(key), f"'{kind}' takes {', '.join(allowed)}")
    number = (int, float) if kind == "cpd_hours" else int
    result: dict[str, Any] = {"kind": kind}
    result[allowed[0]] = reader.field(path, value, allowed[0], number, check=positive)
    months = reader.field(path, value, "within_months", int, required=False, check=positive)
    if months:
        result["within_months"] = months
    if "sessions" in value:
        result["sessions"] = _session_minimums(reader, path, value)
    return result if len(reader.problems) == problems else None


def _session_minimums(reader: ContentReader, path: Path, value: LineDict) -> dict[str, int]:
    sessions = reader.field(path, value, "sessions", LineDict, default=LineDict())
    levels = [level.value for level in SupervisionLevel]
    minimums = {}
    for level, count in sessions.items():
        if level not in levels or not isinstance(count, int) or isinstance(count, bool):
            reader.problem(
                path,
                sessions.line_of(level),
                f"'sessions' maps {', '.join(levels)} to a whole number of sessions",
            )
        elif count > 0:
            minimums[level] = count
    return minimums
