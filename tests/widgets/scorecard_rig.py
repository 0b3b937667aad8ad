"""The Scorecards dock's tests' rig: the hand-built town of tests/storage/test_scorecards.py on SQLite, with a
console context judged on 2 November 2026 in China's time zone."""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader

from console.core.clock import FakeClock
from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.taskman import TaskManager
from console.storage.db import Store, open_store
from console.storage.dispatch import DispatchService
from console.tasks import TaskRunner
from tests.storage.test_scorecards import CN, NOW, OCTOBER, SEPTEMBER, Town  # noqa: F401  (the tests use them)

TIMEOUT = 20_000


@dataclass
class ScorecardTown:
    """The town, its store and a console context on it."""

    town: Town
    store: Store
    context: ConsoleContext


def open_town(tmp_path, lang: str = "en") -> ScorecardTown:
    store = open_store(str(tmp_path / "scorecards-town.db"))
    town = Town(store).build()
    clock = FakeClock(NOW)
    tasks = TaskManager(TaskRunner(io_workers=2))
    context = ConsoleContext(store, DispatchService(store, clock), tasks, default_taxonomy(), clock, "值班员",
                             lang)
    return ScorecardTown(town, store, context)


def close_town(rig: ScorecardTown) -> None:
    rig.context.tasks.shutdown()
    rig.context.tasks.deleteLater()
    rig.store.dispose()


def pdf_text(path) -> str:
    """All the PDF's text, whitespace squashed (as the other PDF tests read it)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)
