"""Structural change in a camera's watch zone: something built, dumped or taken down, not light or passers-by.

Method (one :class:`ZoneDetector` per watch zone; every time below is in seconds of ``at``):

1. *Raster.*  The zone's bounding box (plus a margin for the shake search) is cropped from
   each frame and resampled to a fixed raster of at most ``max_width`` pixels wide
   (:class:`video.change_features.ZoneRaster`), so the cost is bounded and does not depend on
   the camera's resolution; a camera that changes size is simply resampled to the same raster.
2. *Night hold.*  If the zone's median luminance is below ``dark_luma``, or below ``dim_ratio``
   of its daylight level (the brightest median seen, fading over ``daylight_memory_s``), the
   observation is skipped: nothing is learnt or counted, the state is held until light returns.
   At night and at dusk the picture is dark and noisy, and lit things (windows, lamps, signs, and
   in the demo scenes everything that moves) change their contrast against a darkening scene,
   which no lighting-invariant feature can undo; a structure built in the dark is still there
   the next morning.  Cost: no alerts from dusk to dawn (about 17:10-06:50 in the demo scene), and
   on a day dimmer than ``dim_ratio`` of the recent days the zone waits for brighter light.
3. *Lighting-robust feature.*  The luminance's local contrast against its Gaussian mean
   (``structure_sigma``, over the zone's pixels only) keeps edges and texture and drops any
   multiplicative change of light: day/night gain, dusk colour, the inside of a shadow.
4. *Shake.*  Phase correlation of the contrast map against the latest memory entry's finds a
   shift of up to ``max_shift_px`` raster pixels, undone only if the correlation is clear and the
   match improves (a flat roof gives phase correlation little to hold); the comparison then tolerates a further
   ``tolerance_px`` (each pixel is compared with the min..max of the reference around it), which
   also absorbs swaying washing and sub-pixel jitter.
5. *Changed pixels.*  The feature compared is *edge presence*, ``min(|contrast| / edge_contrast, 1)``:
   whether a pixel shows structure, not its polarity or strength, so a roof edge whose alley
   falls into shadow or washing that turns from darker to brighter than the roof as the light
   goes does not count, while structure where there was none (or none where there was) does.
   A pixel is changed where the presence, smoothed, leaves the reference band by more than
   ``max(change_threshold, noise_factor × the zone's robust noise)``.
6. *Persistence.*  A changed pixel starts a track (its first-seen time).  The track survives up
   to ``max_misses`` unchanged observations spanning ``gap_s`` (a walker crossing in front of a
   wall) and is dropped after that.  A pixel is *persistent* once its track is ``persist_s`` old,
   has ``min_observations`` sightings and was changed in ``min_presence`` of the observations
   since it began: people, vehicles, rain, clouds and a moving shadow's edge come and go, or
   flicker, and never get there.
7. *Alert.*  Persistent pixels are grouped into regions (closed by 2 raster pixels); a region
   holding a 3 × 3 block of them (thin lines along outlines do not count) of at
   least ``min_area_fraction`` of the zone (and ``min_area_px`` raster pixels) that does not touch an
   already reported region raises one :class:`ChangeFound`.  A reported region grows silently
   and is forgotten only when its pixels stop changing (the change disappeared) or the operator
   accepts the scene.
8. *Long-term reference.*  Not one picture but a band per pixel: the second-lowest and
   second-highest feature value over a memory of the last ``memory_len`` observations taken
   ``memory_spacing_s`` apart (about 40 minutes by default), so it spans what shake, noise and
   the slow drift of shadows do, and one passer-by caught in the memory does not widen it.  It is
   learnt over the first ``memory_len`` entries (no alerts while learning) and then refreshed at
   each new memory entry, but only where nothing changed nearby (within ``2 × structure_sigma``)
   during the memory's whole span and nothing is tracked: a pending or flickering change is never
   learnt away, while a blended (averaged) reference would have smoothed texture and made every
   sharp frame look changed.  :meth:`ZoneDetector.accept_scene` writes what is there now (median
   of the latest observations, so a passer-by is not frozen in) into the memory and the band
   where a change was reported or established.

The detector has no thread of its own and no Qt: the caller (the console's watcher) calls
:meth:`ZoneDetector.observe` from a worker thread at ``sample_interval_s`` per camera.  One
observation costs a few milliseconds on a 320-pixel raster, ≪ 2 % of a core at the 5 s default.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from .change_features import ZoneRaster, check_polygon, edge_presence, estimate_shift, structure_map, undo_shift

_FORMAT = 1
SNAPSHOT_MAX_WIDTH = 640  # the reference picture ("before") is kept at most this wide, to bound memory


@dataclass(frozen=True)
class DetectorSettings:
    """The change detector's parameters; times are seconds of ``at``, sizes are pixels of the zone's raster."""

    sample_interval_s: float = 5.0  # how often the watcher feeds one frame per camera (not used by the detector itself)
    max_width: int = 320  # the zone's raster is at most this wide ...
    max_px_per_frame_width: float = 320.0  # ... and at most this many pixels per frame width (half a 640 frame)
    margin: float = 0.06  # the crop extends the zone's box by this fraction on each side (room for shake)
    dark_luma: float = 40.0  # zone median luminance (0..255) below which observations are held (night) ...
    dim_ratio: float = 0.7  # ... or below this share of the zone's daylight level (dusk, dawn; see observe)
    daylight_memory_s: float = 3 * 86400.0  # the daylight level is the zone's brightest median, fading over this
    structure_sigma: float = 3.0  # Gaussian sigma of the local mean the contrast is taken against, raster pixels
    edge_contrast: float = 0.12  # a local contrast this strong (12 % of the local mean) counts as surely structure
    max_shift_px: float = 4.0  # largest camera shake undone by phase correlation, raster pixels
    tolerance_px: int = 2  # residual misalignment tolerated after that, raster pixels
    change_threshold: float = 0.4  # smallest excess of edge presence (0..1) that counts as change
    noise_factor: float = 4.0  # ... or this many times the zone's noise, if that is larger (rain, dusk): see _changed
    persist_s: float = 300.0  # a change must last this long before it is reported
    min_observations: int = 3  # ... and have been seen in at least this many observations
    min_presence: float = 0.75  # ... and in at least this share of the observations since it was first seen
    max_misses: int = 1  # a track survives this many consecutive observations without the change ...
    gap_s: float = 60.0  # ... or, if longer, this many seconds without it; then it is dropped
    min_area_fraction: float = 0.003  # smallest reported region, as a fraction of the zone's area
    min_area_px: int = 8  # ... and in raster pixels (8 ≈ one 6 × 4 px brick at 640 × 360, with its halo)
    memory_len: int = 8  # observations the reference band is made of (and learnt from)
    memory_spacing_s: float = 300.0  # at least this far apart


@dataclass(frozen=True)
class ChangeFound:
    """A persistent structural change in a watch zone, to bring to an operator."""

    appeared_at: float  # the `at` of the first observation that showed (part of) the change
    detected_at: float  # the `at` of the observation that raised it
    before: np.ndarray  # BGR uint8: the reference scene, resized to `after`'s size
    after: np.ndarray  # BGR uint8: the frame that raised it
    box: tuple[int, int, int, int]  # x, y, w, h of the changed region in `after`'s pixels
    score: float  # the changed region's area in per cent of the zone's area


class ZoneDetector:
    """One watch zone of one camera: keeps its long-term reference and reports each persistent structural change once.

    ``polygon``: the zone's vertices in normalised frame coordinates (0..1), at least 3
    points, ValueError otherwise.  Not thread-safe: one thread calls observe/accept_scene.
    """

    def __init__(self, polygon: Sequence[tuple[float, float]], settings: DetectorSettings = DetectorSettings()):
        self.polygon = check_polygon(polygon)
        self.settings = settings
        self._raster: ZoneRaster | None = None
        self._low: np.ndarray | None = None  # the reference band the structure map is compared with
        self._high: np.ndarray | None = None
        self._memory: list[np.ndarray] = []  # latest structure maps, memory_spacing_s apart
        self._memory_at = -math.inf
        self._learning = True
        self._last_map: np.ndarray | None = None  # the latest observation, aligned
        self._last_at: float | None = None
        self._daylight = 0.0  # the zone's daylight level (median luminance), see dim_ratio
        self._weight: np.ndarray | None = None
        self._align_to: np.ndarray | None = None  # contrast map of the latest memory entry, for the shake search
        self._snapshot: np.ndarray | None = None  # BGR picture of the reference scene
        self._latest: np.ndarray | None = None  # BGR picture of the latest observation
        self._first_seen = self._last_seen = self._sightings = self._misses = self._reported = None

    # -- observing -------------------------------------------------------------------------------
    def observe(self, frame: np.ndarray, at: float) -> ChangeFound | None:
        """Look at one frame taken at ``at`` seconds; a ChangeFound the first time a persistent change qualifies."""
        s = self.settings
        if self._raster is None:
            self._start(frame)
        raster = self._raster
        luma = raster.crop(frame)
        level = float(np.median(luma[raster.mask > 0]))
        if self._last_at is not None:
            self._daylight *= math.exp(-max(at - self._last_at, 0.0) / s.daylight_memory_s)
        self._daylight = max(self._daylight, level)
        if level < max(s.dark_luma, s.dim_ratio * self._daylight):
            self._last_at = at
            return None  # night, dusk or dawn: hold
        contrast = structure_map(luma, s.structure_sigma, self._weight)
        if self._align_to is not None:
            contrast = self._aligned(contrast)
        current = edge_presence(contrast, s.edge_contrast)
        self._last_at, self._last_map = at, current
        self._latest = _shrink(frame)
        remembered = self._remember(current, at)
        if remembered:
            self._align_to = contrast
        if self._learning:
            self._snapshot = self._latest
            if len(self._memory) < s.memory_len:
                return None
            self._low, self._high = _band(self._memory)
            self._learning = False
            return None
        changed = self._changed(current)
        self._track(changed, at)
        found = self._report(changed, at, frame)
        if remembered:
            self._refresh(changed)
        return found

    def _aligned(self, current: np.ndarray) -> np.ndarray:
        """``current`` (a contrast map) with shake undone, if phase correlation is sure and the match improves."""
        s = self.settings
        reference = self._align_to
        shift = estimate_shift(reference, current, s.max_shift_px)
        if shift == (0.0, 0.0):
            return current
        moved = undo_shift(current, shift)
        inside = self._raster.mask > 0
        before = float(np.abs(current - reference)[inside].mean())
        return moved if float(np.abs(moved - reference)[inside].mean()) < before else current

    def _start(self, frame: np.ndarray) -> None:
        s = self.settings
        self._raster = ZoneRaster.fit(self.polygon, (frame.shape[1], frame.shape[0]), s.max_width,
                                      s.max_px_per_frame_width, s.margin)
        self._weight = (self._raster.mask > 0).astype(np.float32)
        self._reset_tracks()

    def _reset_tracks(self) -> None:
        shape = self._raster.mask.shape
        self._first_seen = np.full(shape, np.nan)
        self._last_seen = np.full(shape, np.nan)
        self._sightings = np.zeros(shape, np.uint32)  # observations that showed the change
        self._looks = np.zeros(shape, np.uint32)  # observations since the track began
        self._misses = np.zeros(shape, np.uint32)  # observations in a row that did not show it
        self._reported = np.zeros(shape, bool)
        self._last_changed = np.full(shape, -np.inf)  # last `at` the pixel or one near it changed

    def _remember(self, current: np.ndarray, at: float) -> bool:
        """Keep ``current`` in the memory if the last entry is memory_spacing_s old; True if kept."""
        if at - self._memory_at >= self.settings.memory_spacing_s or not self._memory:
            self._memory = [*self._memory[-(self.settings.memory_len - 1):], current]
            self._memory_at = at
            return True
        return False

    def _changed(self, current: np.ndarray) -> np.ndarray:
        """Pixels of the zone whose structure left the reference's tolerance band."""
        s = self.settings
        kernel = np.ones((2 * s.tolerance_px + 1,) * 2, np.uint8)
        high, low = cv2.dilate(self._high, kernel), cv2.erode(self._low, kernel)
        excess = np.maximum(np.maximum(current - high, low - current), 0)
        excess = cv2.GaussianBlur(excess, (0, 0), 1.0)
        inside = self._raster.mask > 0
        # Noise: the 30th percentile of |current - band middle| is 0.385 σ for Gaussian noise, and stays
        # so while up to 70 % of the zone has changed (a shed can fill most of a small zone).
        noise = float(np.percentile(np.abs(current - (self._low + self._high) * 0.5)[inside], 30)) / 0.385
        return (excess > max(s.change_threshold, s.noise_factor * noise)) & inside

    def _track(self, changed: np.ndarray, at: float) -> None:
        s = self.settings
        tracked = ~np.isnan(self._first_seen)
        self._first_seen[changed & ~tracked] = at
        self._looks[changed & ~tracked] = 0
        self._looks[changed | tracked] += 1
        near = cv2.dilate(changed.astype(np.uint8), np.ones((2 * int(2 * s.structure_sigma) + 1,) * 2, np.uint8))
        self._last_changed[near > 0] = at
        self._last_seen[changed] = at
        self._sightings[changed] += 1
        self._misses[changed] = 0
        quiet = tracked & ~changed
        self._misses[quiet] += 1
        lost = quiet & (self._misses > s.max_misses) & (at - self._last_seen > s.gap_s)
        self._first_seen[lost] = np.nan
        self._last_seen[lost] = np.nan
        self._sightings[lost] = 0
        self._looks[lost] = 0
        self._misses[lost] = 0
        self._reported &= ~lost  # a reported change that went away: re-armed

    def _report(self, changed: np.ndarray, at: float, frame: np.ndarray) -> ChangeFound | None:
        s = self.settings
        persistent = (changed & (at - self._first_seen >= s.persist_s) & (self._sightings >= s.min_observations)
                      & (self._sightings >= s.min_presence * self._looks))
        if not persistent.any():
            return None
        # Lines one or two pixels wide are the edges of things that were there (a contrast shifting along
        # an outline), not a new structure: a region must hold at least one 3 × 3 block of persistent pixels.
        core = cv2.erode(persistent.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        if not core.any():
            return None
        joined = cv2.morphologyEx((persistent | self._reported).astype(np.uint8), cv2.MORPH_CLOSE,
                                  np.ones((5, 5), np.uint8))
        count, labels, _, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        zone_area = int(np.count_nonzero(self._raster.mask))
        least = max(s.min_area_fraction * zone_area, s.min_area_px)
        best, best_area = None, 0
        for label in range(1, count):
            region = labels == label
            if (region & self._reported).any():
                self._reported |= region & persistent  # the same change, grown: stay silent
                continue
            area = int(np.count_nonzero(region & persistent))
            if area >= least and area > best_area and (region & core).any():
                best, best_area = region & persistent, area
        if best is None:
            return None
        self._reported |= best
        ys, xs = np.nonzero(best)
        rect = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
        size = (frame.shape[1], frame.shape[0])
        return ChangeFound(
            appeared_at=float(np.nanmin(self._first_seen[best])),
            detected_at=at,
            before=cv2.resize(self._snapshot, size, interpolation=cv2.INTER_LINEAR),
            after=frame.copy(),
            box=self._raster.to_frame(rect, size),
            score=100.0 * best_area / zone_area,
        )

    def _refresh(self, changed: np.ndarray) -> None:
        """Renew the reference band from the memory where nothing changed nearby lately; refresh the picture."""
        s = self.settings
        recent = self._last_at - self._last_changed < s.memory_len * s.memory_spacing_s
        quiet = ~changed & ~recent & np.isnan(self._first_seen)
        low, high = _band(self._memory)
        self._low[quiet], self._high[quiet] = low[quiet], high[quiet]
        zone_area = np.count_nonzero(self._raster.mask)
        if np.count_nonzero(~np.isnan(self._first_seen)) < max(s.min_area_fraction * zone_area, s.min_area_px):
            self._snapshot = self._latest

    # -- the operator ----------------------------------------------------------------------------
    def accept_scene(self) -> None:
        """The operator dismissed the alert: what is there now becomes the reference, and the zone is re-armed."""
        if self._last_map is None or self._learning or self._low is None:
            return
        s = self.settings
        tracked = ~np.isnan(self._first_seen)
        established = self._reported | (tracked & (self._last_at - self._first_seen >= s.persist_s / 2))
        established = cv2.dilate(established.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        now = np.median(np.stack([*self._memory[-2:], self._last_map]), axis=0).astype(np.float32)
        for entry in self._memory:
            entry[established] = now[established]
        self._low[established] = self._high[established] = now[established]
        self._snapshot = self._latest
        self._reset_tracks()

    # -- persistence -----------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The long-term reference and the tracking state, to restore with :meth:`from_bytes` after a restart."""
        meta = {"format": _FORMAT, "polygon": self.polygon.tolist(), "settings": asdict(self.settings),
                "learning": self._learning, "last_at": self._last_at, "daylight": self._daylight,
                "memory_at": self._memory_at,
                "box": None if self._raster is None else list(self._raster.box),
                "size": None if self._raster is None else list(self._raster.size)}
        arrays = {"meta": np.frombuffer(json.dumps(meta).encode(), np.uint8)}
        if self._raster is not None:
            arrays.update(mask=self._raster.mask, first_seen=self._first_seen, last_seen=self._last_seen,
                          sightings=self._sightings, looks=self._looks, misses=self._misses, reported=self._reported,
                          last_changed=self._last_changed)
        if self._memory:  # edge presence (0..1) and the shake reference (contrast -1..2) kept to 1/255 of their range
            arrays.update(last_map=_to_byte(self._last_map), align_to=_to_byte((self._align_to + 1) / 3))
            if self._learning:
                arrays.update(memory=_to_byte(np.stack(self._memory)))
        if self._low is not None:
            arrays.update(low=_to_byte(self._low), high=_to_byte(self._high))
        for name in ("snapshot", "latest"):
            picture = getattr(self, f"_{name}")
            if picture is not None:
                encoded = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 92])[1]
                arrays[name] = np.frombuffer(encoded.tobytes(), np.uint8)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, polygon, settings: DetectorSettings = DetectorSettings()) -> ZoneDetector:
        """A detector restored from :meth:`to_bytes`; a fresh one (learning again) if the zone was redrawn.

        ValueError if ``data`` is not a saved detector.
        """
        detector = cls(polygon, settings)
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as saved:
                arrays = {name: saved[name] for name in saved.files}
            meta = json.loads(arrays["meta"].tobytes().decode())
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise ValueError(f"not a saved zone detector: {exc}") from None
        if meta.get("format") != _FORMAT or meta["box"] is None:
            return detector
        saved_polygon = np.asarray(meta["polygon"])
        if saved_polygon.shape != detector.polygon.shape or not np.allclose(saved_polygon, detector.polygon, atol=1e-9):
            return detector
        detector._raster = ZoneRaster(tuple(meta["box"]), tuple(meta["size"]), arrays["mask"])
        detector._weight = (arrays["mask"] > 0).astype(np.float32)
        detector._daylight = meta["daylight"]
        detector._first_seen, detector._last_seen = arrays["first_seen"], arrays["last_seen"]
        detector._sightings, detector._misses = arrays["sightings"], arrays["misses"]
        detector._looks = arrays["looks"]
        detector._reported, detector._last_changed = arrays["reported"], arrays["last_changed"]
        detector._learning, detector._last_at = meta["learning"], meta["last_at"]
        detector._memory_at = meta["memory_at"]
        if "last_map" in arrays:
            detector._last_map = _from_byte(arrays["last_map"])
            detector._align_to = _from_byte(arrays["align_to"]) * 3 - 1
        if "memory" in arrays:
            detector._memory = list(_from_byte(arrays["memory"]))
        if "low" in arrays:  # after learning only the band is kept: the memory restarts as copies of its edges
            detector._low, detector._high = _from_byte(arrays["low"]), _from_byte(arrays["high"])
            detector._memory = [(detector._low if i % 2 else detector._high).copy() for i in range(settings.memory_len)]
        for name in ("snapshot", "latest"):
            if name in arrays:
                setattr(detector, f"_{name}", cv2.imdecode(arrays[name], cv2.IMREAD_COLOR))
        return detector


def _to_byte(presence: np.ndarray) -> np.ndarray:
    return np.round(presence * 255).astype(np.uint8)


def _from_byte(stored: np.ndarray) -> np.ndarray:
    return stored.astype(np.float32) * np.float32(1 / 255)


def _band(memory: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, the second-lowest and second-highest value in the memory (lowest and highest if < 5 entries)."""
    stack = np.stack(memory)
    n = len(memory)
    k = 1 if n >= 5 else 0
    ordered = np.partition(stack, (k, n - 1 - k), axis=0) if n > 1 else stack
    return ordered[k].copy(), ordered[n - 1 - k].copy()


def _shrink(frame: np.ndarray) -> np.ndarray:
    """A copy of ``frame`` at most SNAPSHOT_MAX_WIDTH wide (the reference picture's resolution)."""
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    width = frame.shape[1]
    if width <= SNAPSHOT_MAX_WIDTH:
        return frame.copy()
    height = max(int(round(frame.shape[0] * SNAPSHOT_MAX_WIDTH / width)), 1)
    return cv2.resize(frame, (SNAPSHOT_MAX_WIDTH, height), interpolation=cv2.INTER_AREA)
