"""Read and validate practice exercises (content/<course>/exercises/*.yaml). No Flask, no DB.

An exercise names its photos, the targets the automatic analysis compares against, and a
rubric whose criteria say which measurement, if any, suggests their level (``measure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smp_academy.core.content_files import ContentReader, plain, slug_check
from smp_academy.core.yaml_lines import LineDict, line_of
from smp_academy.practice.suggestions import MEASURES

#: what the automatic analysis can judge a criterion by (see practice.suggestions)
RUBRIC_MEASURES = tuple(MEASURES)
TARGET_NUMBERS = (
    "density_per_cm2",
    "mean_diameter_mm",
    "max_mean_diameter_mm",
    "max_diameter_cv",
    "max_density_cv",
    "max_spacing_cv",
    "max_blowouts",
    "tolerance",
)


@dataclass
class ExerciseSpec:
    slug: str
    title: str
    position: int
    instructions: str
    spec: dict[str, Any]  # photos, target, rubric, pass_rule
    html: str = ""
    instructions_line: int = 1


def read_exercise(reader: ContentReader, path: Path) -> ExerciseSpec | None:
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    photos = reader.field(path, data, "photos", LineDict, default=LineDict(min=1, max=1))
    low, high = photos.get("min", 1), photos.get("max", 1)
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 6):
        reader.problem(path, data.line_of("photos"), "photos need 1 <= min <= max <= 6")
    rubric = reader.field(path, data, "rubric", list, default=[])
    _check_rubric(reader, path, rubric)
    pass_rule = reader.field(path, data, "pass_rule", LineDict, default=LineDict())
    _check_pass_rule(reader, path, pass_rule, rubric)
    target = reader.field(path, data, "target", LineDict, required=False, default=LineDict())
    _check_target(reader, path, target)
    slug = reader.field(path, data, "slug", str, check=slug_check, default=path.stem)
    return ExerciseSpec(
        slug=slug,
        title=reader.field(path, data, "title", str, default=slug),
        position=reader.field(path, data, "order", int, default=0),
        instructions=reader.field(path, data, "instructions", str, default=""),
        instructions_line=data.line_of("instructions"),
        spec=plain(
            {
                "photos": {"min": low, "max": high},
                "target": target,
                "rubric": rubric,
                "pass_rule": pass_rule,
            }
        ),
    )


def _check_rubric(reader: ContentReader, path: Path, rubric: list) -> None:
    if not rubric:
        reader.problem(path, 1, "an exercise needs a rubric with at least one criterion")
    keys: set[str] = set()
    measures: set[str] = set()
    for criterion in rubric:
        line = line_of(criterion)
        if (
            not isinstance(criterion, dict)
            or not criterion.get("key")
            or not criterion.get("title")
        ):
            reader.problem(path, line, "each criterion needs a key and a title")
            continue
        if criterion["key"] in keys:
            reader.problem(path, line, f"duplicate criterion key '{criterion['key']}'")
        keys.add(criterion["key"])
        measure = criterion.get("measure")
        if measure is not None and measure not in RUBRIC_MEASURES:
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}': measure must be one of {RUBRIC_MEASURES}",
            )
        elif measure in measures:
            reader.problem(
                path, line, f"criterion '{criterion['key']}': measure '{measure}' is used twice"
            )
        elif measure is not None:
            measures.add(measure)
        levels = criterion.get("levels") or []
        points: list[Any] = [level.get("points") for level in levels if isinstance(level, dict)]
        if (
            len(levels) < 2
            or len(points) != len(levels)
            or not all(isinstance(p, int) and p >= 0 for p in points)
        ):
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}' needs at least two "
                "levels, each with whole, non-negative points",
            )
        elif points != sorted(set(points)):
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}': levels go from the "
                "fewest points to the most, without repeats",
            )
        if any(not (isinstance(level, dict) and level.get("label")) for level in levels):
            reader.problem(path, line, f"criterion '{criterion['key']}': every level needs a label")


def _check_pass_rule(reader: ContentReader, path: Path, rule: LineDict, rubric: list) -> None:
    maximum = sum(
        max(
            (level.get("points", 0) for level in c.get("levels") or [] if isinstance(level, dict)),
            default=0,
        )
        for c in rubric
        if isinstance(c, dict)
    )
    min_total = rule.get("min_total")
    if not isinstance(min_total, int) or not 0 <= min_total <= maximum:
        reader.problem(path, rule.line or 1, f"pass_rule.min_total must be 0-{maximum}")
    min_each = rule.get("min_each", 0)
    if not isinstance(min_each, int) or min_each < 0:
        reader.problem(path, rule.line or 1, "pass_rule.min_each must be a whole number >= 0")


def _check_target(reader: ContentReader, path: Path, target: LineDict) -> None:
    for key, value in target.items():
        if key in TARGET_NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                reader.problem(path, target.line_of(key), f"target.{key} must be a number >= 0")
        elif key == "density_profile":
            if not (
                isinstance(value, list)
                and len(value) == 10
                and all(isinstance(v, int | float) and v >= 0 for v in value)
            ):
                reader.problem(
                    path, target.line_of(key), "target.density_profile must be 10 numbers >= 0"
                )
        else:
            reader.problem(path, target.line_of(key), f"unknown target field '{key}'")
