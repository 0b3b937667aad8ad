"""The capture tests' fixtures live in :mod:`tests.video.fixtures`, shared by the whole suite via tests/conftest.py.

The sizes of the test media are re-exported here for the tests that import them from this module.
"""

from tests.video.fixtures import CLIP_SIZE, SHORT_CLIP_FRAMES, SHORT_CLIP_SIZE

__all__ = ["CLIP_SIZE", "SHORT_CLIP_FRAMES", "SHORT_CLIP_SIZE"]
