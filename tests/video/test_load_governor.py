"""Load shedding: a GUI that falls behind gets fewer frames per camera, and all of them back when calm."""

from video.load_governor import FRAME_CAPS, LoadGovernor

TICK = 0.1  # the console observes its lag every 100 ms


def feed(governor: LoadGovernor, lags, start: float = 0.0) -> tuple[float, list[float]]:
    """Observe ``lags`` one tick apart (a late tick arrives later); returns the end time and change times."""
    now, changes = start, []
    for lag in lags:
        now += TICK + lag
        if governor.observe(lag, now):
            changes.append(now)
    return now, changes


def test_a_calm_console_shows_every_frame():
    governor = LoadGovernor()
    _, changes = feed(governor, [0.005] * 500)
    assert changes == [] and governor.frame_cap is None


def test_a_lagging_gui_tightens_the_cap_one_level_per_window():
    governor = LoadGovernor()
    _, changes = feed(governor, [0.300] * 100)
    assert governor.frame_cap == FRAME_CAPS[-1]
    assert changes[0] >= governor.window_s
    assert all(b - a >= governor.window_s for a, b in zip(changes, changes[1:]))


def test_a_starved_gui_that_observes_rarely_still_tightens_soon():
    """At 36 tiles the GUI timer fired every 1.3 s: the cap must not wait for 20 observations."""
    governor = LoadGovernor()
    _, changes = feed(governor, [1.3] * 5)
    assert governor.level >= 1 and changes[0] < 8.0


def test_one_slow_moment_changes_nothing():
    governor = LoadGovernor()
    feed(governor, [0.500 if i % 50 == 0 else 0.004 for i in range(300)])
    assert governor.level == 0


def test_the_cap_relaxes_after_a_calm_spell():
    governor = LoadGovernor()
    now, _ = feed(governor, [0.300] * 30)
    tight = governor.level
    assert tight >= 1
    now, changes = feed(governor, [0.005] * int(governor.calm_s_for / TICK + 5), start=now)
    assert governor.level == tight - 1 and len(changes) == 1
