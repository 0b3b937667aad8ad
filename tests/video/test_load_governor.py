"""Load shedding: a GUI that falls behind gets fewer frames per camera, and all of them back when calm."""

from video.load_governor import FRAME_CAPS, LoadGovernor


def test_a_calm_console_shows_every_frame():
    governor = LoadGovernor()
    assert not any(governor.observe(0.005) for _ in range(500))
    assert governor.frame_cap is None


def test_a_lagging_gui_tightens_the_cap_one_level_per_window():
    governor = LoadGovernor()
    changes = [i for i in range(200) if governor.observe(0.300)]
    assert governor.frame_cap == FRAME_CAPS[-1]
    assert changes[0] >= governor.window - 1
    assert all(b - a >= governor.window for a, b in zip(changes, changes[1:]))


def test_one_slow_moment_changes_nothing():
    governor = LoadGovernor()
    for i in range(300):
        governor.observe(0.500 if i % 50 == 0 else 0.004)
    assert governor.level == 0


def test_the_cap_relaxes_after_a_calm_spell():
    governor = LoadGovernor()
    for _ in range(40):
        governor.observe(0.300)
    tight = governor.level
    assert tight >= 1
    for _ in range(governor.calm_for - 1):
        governor.observe(0.005)
    assert governor.level == tight
    governor.observe(0.005)
    assert governor.level == tight - 1
