"""The printable sheets: the practice template (CONTRACT.md section 5, an A4 page with four
ArUco markers) and the scale stickers for living scalps (section 7, an A4 sheet of ArUco id 10).

Everything is drawn as vector shapes in one page-sized SVG whose user unit is the millimetre,
so the printed geometry is exact: the markers are black rectangles computed from OpenCV's own
marker bits (no raster image), and the page has no margin that could shift them.
"""

from __future__ import annotations

from html import escape

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
    from smp_academy.core.pdf import render_pdf  # WeasyPrint only when a PDF is made

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
    x0, y0 = _page(*geometry.MARKER_ORIGINS_MM[marker_id])
    return marker_path(marker_id, x0, y0, geometry.MARKER_MM)


def marker_path(marker_id: int, x0: float, y0: float, side: float) -> str:
    """One path of unit squares, the marker's top-left corner at page (x0, y0) mm: filled as a
    single shape, so no hairline seams between cells."""
    bits = marker_bits(marker_id)
    cell = side / geometry.MARKER_CELLS
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


# The sticker sheet (CONTRACT.md section 7).

#: Distance between the centres of neighbouring stickers, across and down.
STICKER_PITCH_MM = 18.0
#: The sheet's first sticker centre, and how many fit across and down.
STICKER_FIRST_MM = (24.0, 62.0)
STICKER_GRID = (10, 13)
#: The cut line lies just outside the sticker's white border, so cutting along it keeps all of
#: the 2 mm of white.
CUT_LINE_MM = 0.2
CUT_GREY = "#9a9a9a"

_STICKER_STEPS = (
    "Print at 100 % (“actual size”) on adhesive label paper; check with a ruler that a black "
    "square measures 10 mm.",
    "Cut along the grey lines, keeping the white border whole.",
    "Stick one flat on the scalp beside the area to measure (not on it), square to the skin.",
    "Photograph from straight above, close enough that the sticker is sharp "
    "(10 pixels per mm or more), with the sticker and about 15 mm around it in view.",
)


def sticker_sheet_html() -> str:
    """The sticker sheet as HTML for WeasyPrint."""
    stickers = "".join(_sticker(*centre) for centre in sticker_centres_mm())
    steps = "".join(f"<li>{escape(step)}</li>" for step in _STICKER_STEPS)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>SMP Academy scale stickers</title>
<style>
@font-face {{ font-family: DejaVu; src: url(static:fonts/DejaVuSans.ttf); }}
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; padding: 0; font-family: DejaVu; color: #222; }}
svg.sheet {{ position: absolute; left: 0; top: 0; width: 210mm; height: 297mm; }}
.brand {{ position: absolute; left: 15mm; top: 10mm; font-size: 11pt; }}
ol {{ position: absolute; left: 15mm; top: 17mm; width: 180mm; margin: 0; padding-left: 5mm;
      font-size: 8.5pt; line-height: 1.4; color: #444; }}
</style></head>
<body>
{_sheet_svg(stickers)}
<div class="brand">SMP Academy · scale stickers for scalp photos · marker 10 mm</div>
<ol>{steps}</ol>
</body></html>
"""


def _sheet_svg(shapes: str) -> str:
    width, height = PAGE_MM
    return (
        f'<svg class="sheet" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:g} {height:g}">{shapes}</svg>'
    )


def render_sticker_sheet_pdf() -> bytes:
    """The sticker sheet as PDF bytes."""
    from smp_academy.core.pdf import render_pdf  # WeasyPrint only when a PDF is made

    return render_pdf(sticker_sheet_html())


def sticker_centres_mm() -> list[tuple[float, float]]:
    """Page positions (mm) of the stickers' centres, row by row."""
    (x0, y0), (cols, rows) = STICKER_FIRST_MM, STICKER_GRID
    return [
        (x0 + col * STICKER_PITCH_MM, y0 + row * STICKER_PITCH_MM)
        for row in range(rows)
        for col in range(cols)
    ]


def _sticker(cx: float, cy: float) -> str:
    """The marker centred on (cx, cy) and the cut line around its white border."""
    half = geometry.STICKER_MARKER_MM / 2
    cut = geometry.STICKER_SIDE_MM / 2 + CUT_LINE_MM / 2 + 0.05
    return marker_path(geometry.STICKER_ID, cx - half, cy - half, geometry.STICKER_MARKER_MM) + (
        f'<rect x="{cx - cut:g}" y="{cy - cut:g}" width="{2 * cut:g}" height="{2 * cut:g}" '
        f'fill="none" stroke="{CUT_GREY}" stroke-width="{CUT_LINE_MM:g}"/>'
    )
