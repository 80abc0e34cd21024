"""``flask practice …``: the printable sheets and the analysis of one photo (CONTRACT.md §3, §7).

None of the commands needs the application (no database), so they run without an app context;
bad input ends with a one-line message and the contract's exit status, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from smp_academy.practice.analysis import (
    MarkersNotFound,
    StickerNotFound,
    UnreadableImage,
    analyze,
    analyze_scalp,
)

EXIT_BAD_INPUT = 2
EXIT_NO_MARKERS = 3

practice = AppGroup("practice", help="Practice template, scale stickers and photo analysis.")


@practice.command("template", with_appcontext=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--exercise", default=None, help="Exercise name printed below the frame.")
@click.option("--name", default=None, help="Trainee name printed below the frame.")
def template_command(out: str, exercise: str | None, name: str | None) -> None:
    """Write the printable A4 practice template as a PDF."""
    # Imported here: WeasyPrint costs about a second to import, and only the sheets need it.
    from smp_academy.practice.template import render_template_pdf

    _write_pdf(out, render_template_pdf(exercise, name))


@practice.command("stickers", with_appcontext=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def stickers_command(out: str) -> None:
    """Write an A4 sheet of scale stickers for scalp photos as a PDF."""
    from smp_academy.practice.template import render_sticker_sheet_pdf  # see template_command

    _write_pdf(out, render_sticker_sheet_pdf())


@practice.command("analyze", with_appcontext=False)
@click.argument("image")
def analyze_command(image: str) -> None:
    """Print the analysis report of a photo of the template as one JSON object."""
    _print_report(image, analyze, MarkersNotFound)


@practice.command("analyze-scalp", with_appcontext=False)
@click.argument("image")
def analyze_scalp_command(image: str) -> None:
    """Print the analysis report of a scalp photo with the scale sticker as one JSON object."""
    _print_report(image, analyze_scalp, StickerNotFound)


def _print_report(image: str, measure: Callable, not_calibrated: type[Exception]) -> None:
    try:
        data = Path(image).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {image}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    try:
        result = measure(data)
    except UnreadableImage as exc:
        _fail(f"{image}: {exc}", EXIT_BAD_INPUT)
    except not_calibrated as exc:
        _fail(str(exc), EXIT_NO_MARKERS)
    click.echo(json.dumps(result.report, ensure_ascii=False))


def _write_pdf(out: str, pdf: bytes) -> None:
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    click.echo(f"wrote {out} ({len(pdf)} bytes)")


def _fail(message: str, code: int) -> None:
    click.echo(" ".join(message.split()), err=True)
    sys.exit(code)
