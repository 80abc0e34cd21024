"""The printed template's geometry, checked on the rendered PDF as a printer would see it."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.markers import marker_corners_mm
from smp_academy.practice.template import ORIGIN_MM, render_template_pdf, template_html

DPI = 600
PX_PER_MM = DPI / 25.4


@pytest.fixture(scope="module")
def page_image() -> np.ndarray:
    pdf = render_template_pdf("Even density, 20 dots/cm²", "Ada Trainee")
    page = pdfium.PdfDocument(pdf)[0]
    assert page.get_size() == pytest.approx((595.28, 841.89), abs=0.1)  # A4 in points
    image = page.render(scale=DPI / 72, grayscale=True).to_numpy()
    return image if image.ndim == 2 else image[..., 0]


def _to_mm(px: np.ndarray) -> np.ndarray:
    return (px + 0.5) / PX_PER_MM - np.array(ORIGIN_MM)


def test_markers_are_at_the_contract_positions(page_image):
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    detector = cv2.aruco.ArucoDetector(dictionary, cv2.aruco.DetectorParameters())
    small = cv2.resize(page_image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    quads, ids, _ = detector.detectMarkers(small)
    assert ids is not None and sorted(ids.ravel().tolist()) == [0, 1, 2, 3]
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT, 40, 0.01)
    for quad, marker_id in zip(quads, ids.ravel(), strict=True):
        coarse = ((quad.reshape(4, 2) + 0.5) / 0.25 - 0.5).astype(np.float32)
        fine = cv2.cornerSubPix(page_image, coarse.reshape(-1, 1, 2), (12, 12), (-1, -1), criteria)
        measured = _to_mm(fine.reshape(4, 2))
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
