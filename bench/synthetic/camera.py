"""The geometry of a phone photo: where each photo pixel looks on the page.

A photo pixel is traced back through the lens (radial distortion about the photo's centre), the
perspective of the view (a homography onto the flat page) and, when the paper is not flat, the
lift of the page towards the camera. Rendering then evaluates the page at those millimetres, so
dots keep their exact size at any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: A phone's main camera sees about 0.78 of the photo's width as its distance to the subject.
DISTANCE_PER_WIDTH = 0.78

#: Phone-like 4:3 sizes; the smallest that holds the frame is used unless one is asked for.
PHOTO_SIZES = ((1024, 768), (2048, 1536), (3264, 2448), (4000, 3000), (4624, 3468), (5120, 3840))


@dataclass(frozen=True)
class View:
    """A photo's view of the page."""

    mm_to_photo: np.ndarray  # homography: flat page millimetres → undistorted photo pixels
    size: tuple[int, int]  # width, height
    distortion: float = 0.0  # k1: > 0 barrel, < 0 pincushion (share of displacement at a corner)
    curl_mm: float = 0.0  # lift of the page's curled edges towards the camera
    curl_axis: int = 0  # 0: the page curls along x (left and right edges rise), 1: along y
    curl_centre_mm: tuple[float, float] = (50.0, 50.0)
    dome_radius_mm: float = 0.0  # a scalp: a sphere touching the page plane at curl_centre_mm

    def pixels_to_mm(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Page millimetres seen at photo pixel centres (xs, ys), float32."""
        xs, ys = self._undistort(xs.astype(np.float32), ys.astype(np.float32))
        m = np.linalg.inv(self.mm_to_photo).astype(np.float32)
        w = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
        u = (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / w
        v = (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / w
        return self._uncurl(u, v)

    def mm_to_pixels(self, points_mm: np.ndarray) -> np.ndarray:
        """Photo pixels (N×2) where page points (N×2) appear: curl, perspective, then lens."""
        pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
        if self.curl_mm or self.dome_radius_mm:
            lift = self.lift_mm(pts[:, 0], pts[:, 1]) / self._height_mm()
            pts = pts + (pts - np.array(self.curl_centre_mm)) * lift[:, None]
        px = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), self.mm_to_photo).reshape(-1, 2)
        return self._distort(px)

    def local_scale(self, points_mm: np.ndarray) -> np.ndarray:
        """Photo pixels per millimetre at page points (N×2), from the homography."""
        pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
        base, dx, dy = (self.mm_to_pixels(pts + step) for step in ((0, 0), (1, 0), (0, 1)))
        jx, jy = dx - base, dy - base
        return np.sqrt(np.abs(jx[:, 0] * jy[:, 1] - jx[:, 1] * jy[:, 0]))

    def _undistort(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not self.distortion:
            return xs, ys
        w, h = self.size
        cx, cy = (w - 1) / 2, (h - 1) / 2
        r2 = ((xs - cx) ** 2 + (ys - cy) ** 2) / (cx * cx + cy * cy)
        factor = 1 + np.float32(self.distortion) * r2
        return cx + (xs - cx) * factor, cy + (ys - cy) * factor

    def _distort(self, px: np.ndarray) -> np.ndarray:
        """Inverse of ``_undistort`` by fixed-point steps (the distortion is a few per cent)."""
        if not self.distortion:
            return px
        w, h = self.size
        c = np.array([(w - 1) / 2, (h - 1) / 2])
        out = px.copy()
        for _ in range(6):
            r2 = np.sum((out - c) ** 2, axis=1) / np.sum(c * c)
            out = c + (px - c) / (1 + self.distortion * r2)[:, None]
        return out

    def _height_mm(self) -> float:
        return DISTANCE_PER_WIDTH * self.size[0] / self._homography_px_per_mm()

    def _uncurl(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """From where a point appears on the flat page to where it is on the curled paper.

        A point lifted by z towards a camera at height H appears pushed away from the point
        under the camera by (p − c)·z/H; a few fixed-point steps invert that.
        """
        if not (self.curl_mm or self.dome_radius_mm):
            return u, v
        height = self._height_mm()
        cu, cv = self.curl_centre_mm
        tu, tv = u.copy(), v.copy()
        for _ in range(4):
            lift = self.lift_mm(tu, tv) / height
            tu = (u + cu * lift) / (1 + lift)
            tv = (v + cv * lift) / (1 + lift)
        return tu, tv

    def lift_mm(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Height of the surface towards the camera: paper curled like a cylinder bent along
        one axis, or a scalp curving away from the plane it touches."""
        cu, cv = self.curl_centre_mm
        if self.dome_radius_mm:
            r2 = np.minimum(np.square(u - cu) + np.square(v - cv), self.dome_radius_mm**2)
            return -r2 / np.float32(2 * self.dome_radius_mm)  # the head ends at its radius
        along = u if self.curl_axis == 0 else v
        centre = self.curl_centre_mm[self.curl_axis]
        return np.float32(self.curl_mm) * np.square((along - centre) / 70.0)

    def pixels_per_mm(self) -> float:
        """The photo's sampling of the working square (sqrt of its area in pixels / its side)."""
        return _square_sampling(self.mm_to_pixels)

    def _homography_px_per_mm(self) -> float:
        return _square_sampling(
            lambda pts: cv2.perspectiveTransform(pts.reshape(-1, 1, 2), self.mm_to_photo)
        )


def _square_sampling(to_pixels) -> float:
    square = np.array([[0, 0], [100, 0], [100, 100], [0, 100]], dtype=np.float64)
    quad = np.asarray(to_pixels(square)).reshape(4, 2).astype(np.float32)
    return float(np.sqrt(abs(cv2.contourArea(quad)))) / 100.0


def make_view(
    rng: np.random.Generator,
    frame_mm: tuple[float, float, float, float],
    px_per_mm: float,
    photo_size: tuple[int, int] | None,
    *,
    tilt: float = 0.025,
    rotate: bool = True,
) -> tuple[np.ndarray, tuple[int, int]]:
    """A random view of a frame (x0, y0, x1, y1 in mm): rotation, perspective, position.

    Returns the homography and the photo size. A photo too small for the wanted resolution
    gets a lower one.
    """
    x0, y0, x1, y1 = frame_mm
    frame = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    centre = frame.mean(axis=0)
    turns = 90 * rng.integers(0, 4) if rotate else 0
    angle = np.deg2rad(turns + rng.uniform(-12, 12))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    flat = (frame - centre) @ rot.T * px_per_mm
    skew = rng.normal(0, tilt * (x1 - x0) * px_per_mm, (4, 2))
    quad = flat + skew - (flat + skew).mean(axis=0)
    size = photo_size or _smallest_photo(quad)
    extent = quad.max(axis=0) - quad.min(axis=0)
    shrink = min(1.0, 0.98 * min(size[0] / extent[0], size[1] / extent[1]))
    quad *= shrink
    extent *= shrink
    slack = np.array(size) - extent
    quad = quad - quad.min(axis=0) + slack * rng.uniform(0.1, 0.9, 2)
    matrix = cv2.getPerspectiveTransform(frame.astype(np.float32), quad.astype(np.float32))
    return matrix, size


def _smallest_photo(quad: np.ndarray) -> tuple[int, int]:
    extent = quad.max(axis=0) - quad.min(axis=0)
    for size in PHOTO_SIZES[1:]:
        if extent[0] < 0.98 * size[0] and extent[1] < 0.98 * size[1]:
            return size
    return PHOTO_SIZES[-1]


def pixel_grid(
    view: View, x0: int, y0: int, x1: int, y1: int, sub: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Page millimetres of the pixel centres (or sub×sub sub-samples) of a photo window."""
    offsets = (np.arange(sub) + 0.5) / sub - 0.5
    xs = (np.arange(x0, x1)[:, None] + offsets[None, :]).ravel()
    ys = (np.arange(y0, y1)[:, None] + offsets[None, :]).ravel()
    xx, yy = np.meshgrid(xs.astype(np.float32), ys.astype(np.float32))
    return view.pixels_to_mm(xx, yy)


def window(view: View, box_mm: tuple[float, float, float, float], pad: int = 3):
    """The photo-pixel window (x0, y0, x1, y1) holding a millimetre box, clipped to the photo.

    The box's corners are mapped exactly; lens and curl bend its edges by far less than
    ``pad`` pixels over a dot's few millimetres.
    """
    x0, y0, x1, y1 = box_mm
    px = view.mm_to_pixels(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
    w, h = view.size
    lo = np.maximum(np.floor(px.min(axis=0)).astype(int) - pad, 0)
    hi = np.minimum(np.ceil(px.max(axis=0)).astype(int) + pad, (w, h))
    return int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])
