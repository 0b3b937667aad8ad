"""Lighting-robust pictures of one watch zone for the change detector (numpy and OpenCV only, no Qt).

A zone is a polygon in normalised frame coordinates.  :class:`ZoneRaster` fixes, once, the
analysis raster of the zone: its bounding box grown by a margin (room for the shake
search), resampled to at most ``max_width`` pixels wide and never finer than
``max_px_per_frame_width`` pixels per frame width, whatever size the camera delivers.

:func:`structure_map` turns a crop into the feature the detector compares: the *local
(Weber) contrast* ``C = (Y - m) / (m + 4)`` with ``m`` the Gaussian local mean of the
luminance ``Y``.  A change of light that multiplies the picture (day, dusk, the inside of a
shadow) multiplies ``Y`` and ``m`` alike and vanishes from ``C``; what stays is edges and
texture: structure.  (A log high-pass, ``log(Y + c)`` minus its blur, does the same only
where ``Y`` ≫ ``c``: dark objects change contrast with the light.)  :func:`edge_presence`
then keeps only *whether* there is structure, not its polarity or strength.
:func:`estimate_shift` finds small camera shake by phase correlation of two such maps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

DARK_FLOOR = 4.0  # added to the local mean luminance (0..255), so the contrast of near-black areas stays bounded


def check_polygon(polygon: Sequence[tuple[float, float]]) -> np.ndarray:
    """The polygon as an (n, 2) float array; ValueError unless it has ≥ 3 finite points in 0..1 and an area."""
    try:
        points = np.asarray(polygon, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a watch zone is a list of (x, y) points: {exc}") from None
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 3:
        raise ValueError("a watch zone needs at least 3 (x, y) points")
    if not np.isfinite(points).all() or points.min() < 0 or points.max() > 1:
        raise ValueError("watch zone points are normalised frame coordinates, 0..1")
    if abs(cv2.contourArea(points.astype(np.float32))) < 1e-4:
        raise ValueError("a watch zone must enclose an area (at least 0.01 % of the frame)")
    return points


@dataclass(frozen=True)
class ZoneRaster:
    """Where a zone's analysis raster lies in the frame (normalised box) and how big it is (pixels)."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the cropped region, normalised
    size: tuple[int, int]  # width, height of the analysis raster
    mask: np.ndarray  # uint8, 255 inside the polygon, on the analysis raster

    @classmethod
    def fit(cls, polygon: np.ndarray, frame_size: tuple[int, int], max_width: int,
            max_px_per_frame_width: float, margin: float) -> ZoneRaster:
        """The raster for ``polygon`` on frames of ``frame_size`` (w, h); ``margin`` is a fraction of the box."""
        fw, fh = frame_size
        x0, y0 = polygon.min(axis=0)
        x1, y1 = polygon.max(axis=0)
        mx, my = (x1 - x0) * margin + 0.004, (y1 - y0) * margin + 0.004 * fw / fh
        box = (max(x0 - mx, 0.0), max(y0 - my, 0.0), min(x1 + mx, 1.0), min(y1 + my, 1.0))
        bw_px, bh_px = (box[2] - box[0]) * fw, (box[3] - box[1]) * fh
        scale = min(max_width / bw_px, max_px_per_frame_width / fw)
        size = (max(int(round(bw_px * scale)), 8), max(int(round(bh_px * scale)), 8))
        mask = np.zeros((size[1], size[0]), np.uint8)
        pts = (polygon - [box[0], box[1]]) / [box[2] - box[0], box[3] - box[1]] * size
        cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_8, 4)
        return cls(box, size, mask)

    def crop(self, frame: np.ndarray) -> np.ndarray:
        """The zone's box of ``frame`` (BGR or grey, any size) as float32 luminance on the analysis raster."""
        fh, fw = frame.shape[:2]
        x0, x1 = int(math.floor(self.box[0] * fw)), int(math.ceil(self.box[2] * fw))
        y0, y1 = int(math.floor(self.box[1] * fh)), int(math.ceil(self.box[3] * fh))
        part = frame[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)]
        if part.ndim == 3:
            part = cv2.cvtColor(part, cv2.COLOR_BGR2GRAY)
        return cv2.resize(part, self.size, interpolation=cv2.INTER_AREA).astype(np.float32)

    def to_frame(self, rect: tuple[int, int, int, int], frame_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """A raster rectangle (x, y, w, h) as a rectangle in a frame of ``frame_size`` (w, h) pixels."""
        fw, fh = frame_size
        sx, sy = (self.box[2] - self.box[0]) * fw / self.size[0], (self.box[3] - self.box[1]) * fh / self.size[1]
        x0, y0 = self.box[0] * fw + rect[0] * sx, self.box[1] * fh + rect[1] * sy
        x, y = int(math.floor(x0)), int(math.floor(y0))
        return x, y, int(math.ceil(x0 + rect[2] * sx)) - x, int(math.ceil(y0 + rect[3] * sy)) - y


def structure_map(luma: np.ndarray, sigma: float, weight: np.ndarray | None = None) -> np.ndarray:
    """Local contrast of a float32 luminance image: ``(Y - m) / (m + DARK_FLOOR)``, m its Gaussian local mean.

    Edges and texture, free of any multiplicative change of light (a gain cancels between
    ``Y`` and ``m``); clipped to -1..2 so a lamp or a specular glint cannot dominate.  With a
    ``weight`` (float32, 1 inside the zone, 0 outside) the local mean is taken over the zone's
    pixels only (normalised convolution), so a shadow sweeping the alley beside a roof does not
    change the contrast along the roof's edge.
    """
    if weight is None:
        mean = cv2.GaussianBlur(luma, (0, 0), sigma)
    else:
        share = np.maximum(cv2.GaussianBlur(weight, (0, 0), sigma), 1e-3)
        mean = cv2.GaussianBlur(luma * weight, (0, 0), sigma) / share
    return np.clip((luma - mean) / (mean + DARK_FLOOR), -1.0, 2.0)


def edge_presence(contrast: np.ndarray, full: float) -> np.ndarray:
    """How surely each pixel shows some structure: ``min(|contrast| / full, 1)``, 0 (flat) .. 1 (an edge).

    Blind to the polarity and strength of a contrast that is there anyway: a shirt on a line that
    turns from darker to brighter than the roof as the light goes, a roof edge whose alley falls
    into shadow.  Sensitive to what matters: structure where there was none, or none where there was.
    """
    return np.minimum(np.abs(contrast) * (1.0 / full), 1.0)


def estimate_shift(reference: np.ndarray, current: np.ndarray, max_shift: float) -> tuple[float, float]:
    """How far ``current`` is displaced from ``reference`` (dx, dy raster pixels); (0, 0) if unsure or too far."""
    window = _hanning(reference.shape)
    (dx, dy), response = cv2.phaseCorrelate(reference, current, window)
    if response < 0.2 or math.hypot(dx, dy) > max_shift:
        return 0.0, 0.0
    return dx, dy


def undo_shift(image: np.ndarray, shift: tuple[float, float]) -> np.ndarray:
    """``image`` moved back by ``shift`` (sub-pixel, edges replicated)."""
    if shift == (0.0, 0.0):
        return image
    matrix = np.float32([[1, 0, -shift[0]], [0, 1, -shift[1]]])
    return cv2.warpAffine(image, matrix, image.shape[::-1], flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


_windows: dict[tuple[int, int], np.ndarray] = {}


def _hanning(shape: tuple[int, int]) -> np.ndarray:
    window = _windows.get(shape)
    if window is None:
        window = _windows[shape] = cv2.createHanningWindow(shape[::-1], cv2.CV_32F)
    return window
