"""The printed template's and sticker sheet's geometry, checked on the rendered PDFs as a printer
would see them."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.markers import marker_corners_mm
from smp_academy.practice.template import (
    ORIGIN_MM,
    render_sticker_sheet_pdf,
    render_template_pdf,
    sticker_centres_mm,
    template_html,
)

DPI = 600
PX_PER_MM = DPI / 25.4


@pytest.fixture(scope="module")
def page_image() -> np.ndarray:
    return _rendered(render_template_pdf("Even density, 20 dots/cm²", "Ada Trainee"))


@pytest.fixture(scope="module")
def sticker_image() -> np.ndarray:
    return _rendered(render_sticker_sheet_pdf())


def _rendered(pdf: bytes) -> np.ndarray:
    """The PDF's single A4 page in grey at DPI."""
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    assert page.get_size() == pytest.approx((595.28, 841.89), abs=0.1)  # A4 in points
    image = page.render(scale=DPI / 72, grayscale=True).to_numpy()
    return image if image.ndim == 2 else image[..., 0]


def _detect(image: np.ndarray) -> tuple[list, np.ndarray]:
    """ArUco quads (refined at full resolution) and ids on a page image."""
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    detector = cv2.aruco.ArucoDetector(dictionary, cv2.aruco.DetectorParameters())
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    quads, ids, _ = detector.detectMarkers(small)
    assert ids is not None
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT, 40, 0.01)
    fine = []
    for quad in quads:
        coarse = ((quad.reshape(4, 2) + 0.5) / 0.25 - 0.5).astype(np.float32)
        refined = cv2.cornerSubPix(image, coarse.reshape(-1, 1, 2), (12, 12), (-1, -1), criteria)
        fine.append(refined.reshape(4, 2))
    return fine, ids.ravel()


def _to_mm(px: np.ndarray) -> np.ndarray:
    return (px + 0.5) / PX_PER_MM - np.array(ORIGIN_MM)


def test_markers_are_at_the_contract_positions(page_image):
    quads, ids = _detect(page_image)
    assert sorted(ids.tolist()) == [0, 1, 2, 3]
    for fine, marker_id in zip(quads, ids, strict=True):
        measured = _to_mm(fine)
        expected = marker_corners_mm(geometry.template_markers()[int(marker_id)])
        assert np.abs(measured - expected).max() < 0.3, marker_id


def test_working_square_is_empty(page_image):
    lo = int(np.ceil((ORIGIN_MM[0]) * PX_PER_MM))
    top = int(np.ceil((ORIGIN_MM[1]) * PX_PER_MM))
    side = int(geometry.SQUARE_MM * PX_PER_MM) - 1
    assert page_image[top : top + side, lo : lo + side].min() == 255


def test_quiet_zone_around_markers_is_white(page_image):
    for marker_id, (x, y) in geometry.MARKER_ORIGINS_MM.items():
        q, s = geometry.QUIET_ZONE_MM, geometry.MARKER_MM
        ring = _crop(page_image, x - q, y - q, x + s + q, y + s + q).astype(float)
        inner = _crop(page_image, x - 0.3, y - 0.3, x + s + 0.3, y + s + 0.3)
        dark = (ring < 200).sum() - (inner < 200).sum()
        assert dark == 0, marker_id


def _crop(image: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    (c0, r0), (c1, r1) = (
        np.round((np.array(p) + ORIGIN_MM) * PX_PER_MM).astype(int) for p in ((x0, y0), (x1, y1))
    )
    return image[r0:r1, c0:c1]


def test_page_names_the_exercise_and_the_trainee_safely():
    html = template_html("Drill <1>", "Zoë & Co")
    assert "Drill &lt;1&gt;" in html and "Zoë &amp; Co" in html
    assert "100 %" in html and "actual size" in html
    assert "<image" not in html and "<img" not in html  # markers are vectors, not a raster


def test_sticker_sheet_holds_id_10_markers_of_10_mm_at_their_places(sticker_image):
    quads, ids = _detect(sticker_image)
    centres = np.array(sticker_centres_mm())
    assert set(ids.tolist()) == {geometry.STICKER_ID}
    assert len(quads) == len(centres) >= 100
    for quad in quads:
        corners_mm = (quad + 0.5) / PX_PER_MM
        sides = np.linalg.norm(corners_mm - np.roll(corners_mm, 1, axis=0), axis=1)
        assert sides == pytest.approx(geometry.STICKER_MARKER_MM, abs=0.1)
        centre = corners_mm.mean(axis=0)
        assert np.min(np.hypot(*(centres - centre).T)) < 0.1


def test_each_sticker_has_2_mm_of_white_inside_a_grey_cut_line(sticker_image):
    half_marker = geometry.STICKER_MARKER_MM / 2
    half_white = half_marker + geometry.STICKER_WHITE_MM
    for cx, cy in sticker_centres_mm()[:: len(sticker_centres_mm()) // 7]:
        ring = _page_crop(sticker_image, cx, cy, half_white)
        marker_px = round(2 * (half_marker + 0.1) * PX_PER_MM)
        margin = (ring.shape[0] - marker_px) // 2
        ring = ring.copy()
        ring[margin : margin + marker_px, margin : margin + marker_px] = 255
        assert ring.min() == 255  # nothing printed in the white border
        row = round(cy * PX_PER_MM)
        line = sticker_image[row, round((cx + half_white) * PX_PER_MM) :][: round(0.4 * PX_PER_MM)]
        assert 60 < line.min() < 230  # the grey cut line, within 0.4 mm outside the white


def _page_crop(image: np.ndarray, cx: float, cy: float, half: float) -> np.ndarray:
    x0, y0 = round((cx - half) * PX_PER_MM), round((cy - half) * PX_PER_MM)
    size = round(2 * half * PX_PER_MM)
    return image[y0 : y0 + size, x0 : x0 + size]
