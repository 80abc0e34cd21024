"""The printable practice template (CONTRACT.md section 5): an A4 page with four ArUco markers.

Everything is drawn as vector shapes in one page-sized SVG whose user unit is the millimetre,
so the printed geometry is exact: the markers are black rectangles computed from OpenCV's own
marker bits (no raster image), and the page has no margin that could shift them.
"""

from __future__ import annotations

from html import escape

from smp_academy.core.pdf import render_pdf
from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.markers import marker_bits

PAGE_MM = (210.0, 297.0)
#: Page position of the working square's top-left corner: centred across, markers ≥25 mm in.
ORIGIN_MM = ((PAGE_MM[0] - geometry.SQUARE_MM) / 2, 45.0)
TICK_GREY = "#b4b4b4"

_INSTRUCTIONS = (
    "Print at 100 % (“actual size”), never “fit to page”: the square must measure 100 mm.",
    "Paper drill: work inside the square only.",
    "Practice skin: cut out the square along the ticks and lay the frame flat on the skin.",
    "Photograph from straight above, in even light without glare, with all four black "
    "markers and the white border around them in the picture.",
)


def template_html(exercise_title: str | None = None, trainee_name: str | None = None) -> str:
    """The template page as HTML for WeasyPrint, with optional exercise and trainee names."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>SMP Academy practice template</title>
<style>
@font-face {{ font-family: DejaVu; src: url(static:fonts/DejaVuSans.ttf); }}
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; padding: 0; font-family: DejaVu; color: #222; }}
svg.frame {{ position: absolute; left: 0; top: 0; width: 210mm; height: 297mm; }}
.text {{ position: absolute; left: 35mm; width: 140mm; font-size: 10pt; }}
.title {{ top: 175mm; font-size: 13pt; }}
.name {{ top: 185mm; }}
.line {{ display: inline-block; width: 95mm; border-bottom: 0.3mm solid #444; }}
ol {{ position: absolute; left: 35mm; top: 200mm; width: 140mm; margin: 0;
      padding-left: 5mm; font-size: 9pt; line-height: 1.45; color: #444; }}
.brand {{ position: absolute; left: 35mm; top: 12mm; font-size: 9pt; color: #777; }}
</style></head>
<body>
{_frame_svg()}
<div class="brand">SMP Academy · practice template · 100 × 100 mm</div>
<div class="text title">{_title(exercise_title)}</div>
<div class="text name">Trainee: {_name_or_line(trainee_name)}</div>
<ol>{"".join(f"<li>{escape(step)}</li>" for step in _INSTRUCTIONS)}</ol>
</body></html>
"""


def render_template_pdf(
    exercise_title: str | None = None, trainee_name: str | None = None
) -> bytes:
    """The template as PDF bytes."""
    return render_pdf(template_html(exercise_title, trainee_name))


def _title(exercise_title: str | None) -> str:
    return f"Exercise: {escape(exercise_title)}" if exercise_title else "Exercise: ____________"


def _name_or_line(trainee_name: str | None) -> str:
    return escape(trainee_name) if trainee_name else '<span class="line"></span>'


def _frame_svg() -> str:
    """Markers and ticks in page millimetres (the SVG's user unit)."""
    width, height = PAGE_MM
    shapes = [_marker_path(marker_id) for marker_id in geometry.MARKER_IDS]
    shapes += [_tick(a, b) for a, b in geometry.tick_segments_mm()]
    return (
        f'<svg class="frame" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:g} {height:g}">{"".join(shapes)}</svg>'
    )


def _page(x_mm: float, y_mm: float) -> tuple[float, float]:
    return ORIGIN_MM[0] + x_mm, ORIGIN_MM[1] + y_mm


def _marker_path(marker_id: int) -> str:
    """One path of unit squares: filled as a single shape, so no hairline seams between cells."""
    bits = marker_bits(marker_id)
    cell = geometry.MARKER_MM / geometry.MARKER_CELLS
    x0, y0 = _page(*geometry.MARKER_ORIGINS_MM[marker_id])
    squares = [
        f"M{x0 + col * cell:g} {y0 + row * cell:g}h{cell:g}v{cell:g}h{-cell:g}z"
        for row, col in zip(*bits.nonzero(), strict=True)
    ]
    return f'<path fill="#000" d="{"".join(squares)}"/>'


def _tick(a: tuple[float, float], b: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = _page(*a), _page(*b)
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{TICK_GREY}" '
        f'stroke-width="{geometry.TICK_STROKE_MM:g}" stroke-linecap="square"/>'
    )
