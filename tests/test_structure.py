"""The house's shape, checked: pure modules import no web or heavy libraries, domains import
only downwards, and only the boundary commits."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "smp_academy"

#: each domain may import the ones listed (and itself and core); admin sits on top of all
LAYERS = {
    "core": set(),
    "auth": {"core"},
    "courses": {"core", "auth"},
    "quizzes": {"core", "auth", "courses"},
    "practice": {"core", "auth", "courses"},
    "grading": {"core", "auth", "courses", "practice"},
    "clinical": {"core", "auth", "courses", "practice", "grading"},
    "certificates": {"core", "auth", "courses", "quizzes", "practice", "grading", "clinical"},
    "verification": {
        "core", "auth", "courses", "quizzes", "practice", "grading", "clinical", "certificates"
    },
}  # fmt: skip
#: modules that must load without the web stack or the heavy libraries
PURE_MODULES = [
    "smp_academy.practice.analysis",
    "smp_academy.quizzes.question_types",
    "smp_academy.quizzes.settings",
    "smp_academy.quizzes.statistics",
    "smp_academy.certificates.codes",
]
HEAVY = ["flask", "weasyprint", "pyhanko", "boto3", "sqlalchemy", "rq"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_nothing_heavy(module):
    probe = (
        f"import json, sys; import {module}; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(loaded.stdout) == [], f"importing {module} loads {loaded.stdout}"


def _imports(path: Path) -> list[str]:
    """Every smp_academy module a file imports, at run time (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.startswith("smp_academy.")]


def _domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_domains_import_only_downwards():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        domain = _domain(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if domain not in LAYERS:
            continue
        allowed = LAYERS[domain] | {domain, "extensions", "config"}
        wrong += [
            f"{path.relative_to(ROOT)} imports {name}"
            for name in _imports(path)
            if _domain(name) not in allowed
        ]
    assert wrong == []


def test_only_the_boundary_commits():
    """Views, APIs and services never commit: the request, command or job boundary does."""
    boundaries = ("jobs.py", "boundary.py", "cli_support.py")
    allowed = {PACKAGE / "core" / name for name in boundaries}
    committing = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ".commit()" in line and not line.lstrip().startswith("#")
    ]
    assert committing == []
