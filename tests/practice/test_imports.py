"""The analysis package stays lean: jobs and the CLI pay only for OpenCV, NumPy and Pillow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Imports smp_academy.practice.analysis without running the parent packages' __init__ (which
#: wire the whole application), then lists the heavy libraries that came along.
PROBE = """
import sys, types
for name in ("smp_academy", "smp_academy.practice"):
    package = types.ModuleType(name)
    package.__path__ = [name.replace(".", "/")]
    sys.modules[name] = package
import smp_academy.practice.analysis
heavy = ("flask", "weasyprint", "pyhanko", "boto3", "sqlalchemy", "scipy")
print(",".join(m for m in heavy if m in sys.modules))
"""


def test_analysis_imports_no_flask_weasyprint_pyhanko_or_boto3():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
