"""``flask practice …``: the printable template and the analysis of one photo (CONTRACT.md §3).

Neither command needs the application (no database), so both run without an app context;
bad input ends with a one-line message and the contract's exit status, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from smp_academy.practice.analysis import MarkersNotFound, UnreadableImage, analyze
from smp_academy.practice.template import render_template_pdf

EXIT_BAD_INPUT = 2
EXIT_NO_MARKERS = 3

practice = AppGroup("practice", help="Practice template and photo analysis.")


@practice.command("template", with_appcontext=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--exercise", default=None, help="Exercise name printed below the frame.")
@click.option("--name", default=None, help="Trainee name printed below the frame.")
def template_command(out: str, exercise: str | None, name: str | None) -> None:
    """Write the printable A4 practice template as a PDF."""
    pdf = render_template_pdf(exercise, name)
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    click.echo(f"wrote {out} ({len(pdf)} bytes)")


@practice.command("analyze", with_appcontext=False)
@click.argument("image")
def analyze_command(image: str) -> None:
    """Print the analysis report of a photo of the template as one JSON object."""
    try:
        data = Path(image).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {image}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    try:
        result = analyze(data)
    except UnreadableImage as exc:
        _fail(f"{image}: {exc}", EXIT_BAD_INPUT)
    except MarkersNotFound as exc:
        _fail(str(exc), EXIT_NO_MARKERS)
    click.echo(json.dumps(result.report, ensure_ascii=False))


def _fail(message: str, code: int) -> None:
    click.echo(" ".join(message.split()), err=True)
    sys.exit(code)
