"""Test configuration: Qt runs offscreen, every test gets its own data and settings directories, and the
video fixtures (:mod:`tests.video.fixtures`) are shared by every test package."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import pytest  # noqa: E402

# The real media and servers of the capture tests, for every test package (the video wall's tests use them too).
pytest_plugins = ["tests.video.fixtures"]


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory, monkeypatch):
    """Keep platformdirs' data and config directories (and so QSettings and the default DB) per test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("GRIDWATCH_SETTINGS", str(home / "config" / "gridwatch.ini"))
    yield


@pytest.fixture(autouse=True)
def _no_camera_left_running():
    """A camera still capturing after its test means a window or wall forgot to stop it: fail that test."""
    yield
    from tests.video.helpers import wait_until
    from video import registry
    wait_until(lambda: not registry.running(), timeout=6, what="every capture stopped after the test")
