"""Test configuration: Qt runs offscreen, every test gets its own data and settings directories, and the
video fixtures (:mod:`tests.video.fixtures`) are shared by every test package."""

import os
import signal

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import pytest  # noqa: E402

# The real media and servers of the capture tests, for every test package (the video wall's tests use them too).
pytest_plugins = ["tests.video.fixtures"]

#: A test still running after this long is hung: the run ends (pyproject's ``faulthandler_timeout`` has
#: printed every thread's stack by then).
HUNG_AFTER_S = 240


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """End a hung test run instead of letting it eat CI's 90 minutes.  SIGALRM without a Python handler
    ends the process in the kernel: it works when threads deadlock holding the GIL, where a Python timer
    (pytest-timeout) never fires."""
    signal.alarm(HUNG_AFTER_S)
    try:
        yield
    finally:
        signal.alarm(0)


@pytest.fixture(scope="session", autouse=True)
def _gui_thread_garbage_collector(qapp):
    """Collect garbage on the GUI thread only, as the console does (:mod:`console.gui.garbage`)."""
    from console.gui.garbage import GuiThreadGarbageCollector
    collector = GuiThreadGarbageCollector()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests(_gui_thread_garbage_collector):
    """Tests that never run an event loop still get their garbage collected: after each test, on this thread."""
    yield
    _gui_thread_garbage_collector.collect_if_due()


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
    """A camera still capturing, or a video decoder process still running, after its test means a window,
    wall or feed pool forgot to stop it: fail that test."""
    yield
    from tests.video.helpers import decoder_processes, wait_until
    from video import registry
    wait_until(lambda: not registry.running(), timeout=6, what="every capture stopped after the test")
    wait_until(lambda: not decoder_processes(), timeout=6, what="every video decoder process ended after the test")
