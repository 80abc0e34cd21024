"""Read and validate content/certifications.yaml. No Flask, no DB."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smp_academy.core.content_files import ContentReader, positive, slug_check, string_list
from smp_academy.core.yaml_lines import LineDict

REQUIREMENT_KINDS = ("courses", "quizzes", "exercises")


@dataclass
class CertificationSpec:
    slug: str
    title: str
    description: str
    validity_months: int | None
    requires: dict[str, list[str]]
    renewal: dict[str, list[str]]


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
) -> dict[str, list[str]]:
    data = reader.field(path, item, key, LineDict, required=required, default=LineDict())
    return {
        kind: reader.field(path, data, kind, list, required=False, default=[], check=string_list)
        for kind in REQUIREMENT_KINDS
    }
