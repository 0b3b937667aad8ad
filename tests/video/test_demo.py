"""The demo cameras: moving, distinct, deterministic pictures with a live clock, cheap enough for a wall of 16."""

from __future__ import annotations


import numpy as np
import pytest

from console.demo.places import build_world
from video.demo import DemoReader, scene_names
from video.demo_scenes.rooftops import RooftopScene

NOON = 1_764_403_200.0  # a fixed wall clock for the burnt-in time: 2025-11-29 08:00:00 UTC
SCENES = ("road", "lane", "rooftops", "square")


def reader(url: str, wall: float = NOON) -> DemoReader:
    return DemoReader(url, wall_clock=lambda: wall)


def below_clock(frame: np.ndarray) -> np.ndarray:
    """The picture without the burnt-in clock's band."""
    return frame[40:].astype(np.int16)


def test_every_scene_and_every_town_camera_gives_640x360_bgr_frames():
    urls = {f"demo:{name}" for name in scene_names()} | {c.url for c in build_world("town").cameras}
    for url in sorted(urls):
        cam = reader(url)
        frame = cam.read()
        assert frame.shape == (360, 640, 3) and frame.dtype == np.uint8, url
        assert (cam.size, cam.fps, cam.live) == ((640, 360), 25.0, False)
        assert frame.std() > 20, f"{url} is a flat picture"
        cam.release()


def test_size_and_rate_come_from_the_url():
    cam = reader("demo:square?w=1280&h=720&fps=12.5&seed=3")
    assert cam.size == (1280, 720) and cam.fps == 12.5
    assert cam.read().shape == (720, 1280, 3)


@pytest.mark.parametrize("url, message", [
    ("demo:motorway", "unknown demo scene 'motorway'"),
    ("demo:road?speed=3", "unknown setting 'speed'"),
    ("demo:road?w=abc", "is not key=number"),
    ("demo:road?w=100000", "size must be"),
    ("demo:road?seed=-1", "seed must be"),
    ("rtsp://cam/road", "not a demo camera URL"),
])
def test_a_bad_url_is_a_one_line_value_error(url, message):
    with pytest.raises(ValueError, match=message) as caught:
        DemoReader(url)
    assert "\n" not in str(caught.value)
    if "unknown demo scene" in message:
        assert all(name in str(caught.value) for name in SCENES)


def test_things_move_and_every_scene_looks_different():
    frames = {}
    for name in SCENES:
        cam = reader(f"demo:{name}")
        first = below_clock(cam.read())
        for _ in range(50):  # two seconds later
            later = below_clock(cam.read())
        moved = (np.abs(later - first).max(axis=2) > 40).mean()
        assert moved > 0.002, f"{name}: only {moved:.2%} of the picture changed in 2 s"
        frames[name] = first
    for a in SCENES:
        for b in SCENES:
            if a < b:
                assert np.abs(frames[a] - frames[b]).mean() > 20, (a, b)


def test_the_same_seed_gives_the_same_pictures_and_another_seed_does_not():
    one, two, other = reader("demo:road?seed=5"), reader("demo:road?seed=5"), reader("demo:road?seed=6")
    for _ in range(30):
        a, b, c = one.read(), two.read(), other.read()
        assert np.array_equal(a, b)
    assert np.abs(below_clock(a) - below_clock(c)).mean() > 5
    assert np.array_equal(reader("demo:road-2").read(), reader("demo:road-2").read())
    assert not np.array_equal(reader("demo:road-1").read(), reader("demo:road-2").read())


def test_the_scene_clock_advances_one_frame_per_read():
    cam = reader("demo:lane?fps=10")
    for _ in range(7):
        cam.read()
    assert np.array_equal(cam.read(), cam.render(0.7))


def test_the_burnt_in_clock_shows_the_wall_clock_and_ticks_each_second():
    wall = [NOON]
    cam = DemoReader("demo:road", wall_clock=lambda: wall[0])

    def digits() -> np.ndarray:
        """Where the clock's white digits and their black outline are."""
        top_left = cam.read()[0:30, 0:200]
        return (top_left.min(axis=2) > 235) | (top_left.max(axis=2) < 20)

    first = digits()
    assert first.sum() > 400, "no clock top-left"
    wall[0] += 0.5
    assert np.array_equal(digits(), first), "the clock changed within a second"
    wall[0] += 0.5
    assert not np.array_equal(digits(), first), "the clock did not tick"


def test_sensor_noise_makes_a_still_picture_flicker_slightly():
    cam = reader("demo:lane")
    wall = np.s_[60:100, 0:640]  # white wall under the eaves: nothing moves there
    a, b = cam.read()[wall].astype(np.int16), cam.read()[wall].astype(np.int16)
    changed = np.abs(a - b)
    assert 0.2 < changed.mean() < 4
    assert changed.max() < 30


def test_each_read_returns_a_new_picture_and_a_released_camera_ends():
    cam = reader("demo:square")
    kept = cam.read()
    copy = kept.copy()
    cam.read()
    assert np.array_equal(kept, copy)
    cam.release()
    cam.release()
    assert cam.read() is None
    with pytest.raises(RuntimeError, match="released"):
        cam.render(1.0)


# -- rooftops: days, light and the shed -------------------------------------------------------
DAY = 60.0  # scene seconds per simulated day


def at(day: float, hour: float) -> float:
    """Scene time of ``hour`` on simulated ``day`` when the scene starts at 10:00 on day 0."""
    return (day + hour / 24 - 10 / 24) * DAY


def test_the_shed_grows_on_a_roof_over_working_days_and_then_stays():
    plain = reader(f"demo:rooftops?seed=4&day={DAY}")
    shed = reader(f"demo:rooftops?seed=4&day={DAY}&growth=2")
    assert np.array_equal(plain.render(at(0, 12)), shed.render(at(0, 12))), "built before day 1"
    areas = []
    for day, hour in ((1, 12), (2, 12), (3, 12), (6, 12)):
        a, b = plain.render(at(day, hour)).astype(np.int16), shed.render(at(day, hour)).astype(np.int16)
        differs = np.abs(a - b).max(axis=2) > 25
        areas.append(int(differs.sum()))
        steel = (b[..., 0] > b[..., 2] + 60) & differs  # blue steel roof sheets
        if day < 2:
            assert not steel.any(), "the roof went on while the walls were still low"
    assert 0 < areas[0] < areas[1] <= areas[2] * 1.2, areas
    assert areas[2] > 600 and steel.sum() > 300, (areas, steel.sum())
    assert abs(areas[3] - areas[2]) < areas[2] * 0.3, "the finished shed changed"


def test_builders_work_by_day_only():
    scene = RooftopScene(640, 360, 4, {"day": DAY, "growth": 2})
    assert scene.shed_progress(at(1, 7)) == 0.0
    assert scene.shed_progress(at(1, 12)) == pytest.approx(4 / 18)
    assert scene.shed_progress(at(1, 18)) == scene.shed_progress(at(2, 7.5)) == pytest.approx(0.5)
    assert scene.shed_progress(at(3, 8)) == 1.0


def test_light_follows_the_day():
    cam = reader(f"demo:rooftops?seed=4&day={DAY}")
    noon, evening, night = (below_clock(cam.render(at(0, h))).mean() for h in (12, 17.5, 23))
    assert noon > evening > night and noon > 2 * night
    morning, afternoon = below_clock(cam.render(at(0, 8))), below_clock(cam.render(at(0, 16)))
    assert np.abs(morning - afternoon).mean() > 3, "shadows should move over the day"


def test_only_the_shed_outlasts_a_week_of_passing_light_clouds_people_and_lorries():
    def week_median(url: str, first_day: int) -> np.ndarray:
        cam = reader(url)
        return np.median([cam.render(at(d, 11)) for d in range(first_day, first_day + 7)], axis=0)

    plain, shed = f"demo:rooftops?seed=4&day={DAY}", f"demo:rooftops?seed=4&day={DAY}&growth=2&build=8"
    roofs = np.s_[40:250]
    plain_change = np.abs(week_median(plain, 0) - week_median(plain, 7))[roofs].max(axis=2) > 25
    shed_change = np.abs(week_median(shed, 0) - week_median(shed, 7))[roofs].max(axis=2) > 25
    assert plain_change.mean() < 0.005
    assert shed_change.sum() > 600
    one_day = reader(plain)
    assert (np.abs(below_clock(one_day.render(at(0, 11))) - below_clock(one_day.render(at(3, 11)))).max(axis=2)
            > 25).mean() > 0.01, "no decoys: days look alike"
