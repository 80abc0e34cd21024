"""Reading content files: problems reported as ``file:line: message``, typed fields.

Each domain validates its own files with a ``ContentReader`` (courses their course and lesson
files, quizzes their banks, practice the exercises, certificates the certifications); the
admin's loader runs them all over one tree and raises ``ContentInvalid`` listing everything.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smp_academy.core.yaml_lines import LineDict, YamlError, load_yaml

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ContentProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = problems


def digest(value: Any) -> str:
    """A stable fingerprint of plain data: what sync compares to tell a change."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


_UNREADABLE = object()


class ContentReader:
    """Collects problems while reading one content tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[ContentProblem] = []

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self._rel(path), line, message))

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def yaml(self, path: Path) -> Any:
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except YamlError as error:
            self.problem(path, error.line, error.message)
        except (OSError, UnicodeDecodeError) as error:
            self.problem(path, 1, f"cannot read the file: {error}")
        return _UNREADABLE

    def mapping(self, path: Path, data: Any) -> LineDict | None:
        if data is _UNREADABLE:  # already reported: no second, vaguer problem
            return None
        if not isinstance(data, LineDict):
            self.problem(path, 1, "expected a mapping of fields")
            return None
        return data

    def field(
        self,
        path: Path,
        data: LineDict,
        key: str,
        kind: type | tuple,
        *,
        required: bool = True,
        default: Any = None,
        check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        """``data[key]`` if present and of ``kind`` (and passing ``check``), else a problem."""
        if key not in data or data[key] is None:
            if required:
                self.problem(path, data.line, f"missing field '{key}'")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(path, data.line_of(key), f"'{key}' must be {names}")
            return default
        message = check(value) if check else None
        if message:
            self.problem(path, data.line_of(key), f"'{key}' {message}")
            return default
        return value


def slug_check(value: str) -> str | None:
    return None if SLUG.match(value) else "must be lowercase letters, digits and dashes"


def positive(value: float) -> str | None:
    return None if value > 0 else "must be positive"


def string_list(value: list) -> str | None:
    return (
        None
        if all(isinstance(item, str) and item.strip() for item in value)
        else ("must be a list of non-empty strings")
    )


def plain(value: Any) -> Any:
    """LineDicts back to plain JSON-able dicts and lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
