"""The scorecards' CSV and PDF files, written off the GUI thread.

A CSV is made and written entirely on the I/O pool (:mod:`console.storage.scorecards_export`: plain Python).
A PDF is drawn by Qt, which only the GUI thread may call: it is drawn into a private temporary file on the
GUI thread (a village's workers or a town's departments: a page or two, well under a second) and moved into
place on the I/O pool, so a slow or full destination (a network share, a USB stick) never holds the window,
and nothing half-written is ever left at the path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from console.atomic_file import replaced_atomically
from console.gui.taskman import TaskManager
from console.storage.scorecards import Scorecards
from console.storage.scorecards_export import (DEPARTMENT_HEADERS, WORKER_HEADERS, department_rows, worker_rows,
                                               write_csv)


def write_scorecards_csv(path: str, cards: Scorecards, subject: str, shown: Sequence, lang: str) -> int:
    """Write the ``shown`` worker or department cards as CSV (a worker thread's work); the rows written."""
    key = "zh" if lang.startswith("zh") else "en"
    if subject == "worker":
        return write_csv(path, WORKER_HEADERS[key], worker_rows(cards, shown, lang))
    return write_csv(path, DEPARTMENT_HEADERS[key], department_rows(cards, shown, lang))


def move_into_place(drawn: str, path: str) -> str:
    """Copy the finished file ``drawn`` next to ``path`` and rename it over ``path``, then remove ``drawn``
    and its private directory (a worker thread's work); :class:`OSError` names ``path`` when it cannot be
    written."""
    target = Path(path)
    try:
        with replaced_atomically(target) as temp, open(temp, "wb") as out, open(drawn, "rb") as source:
            shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    finally:
        shutil.rmtree(Path(drawn).parent, ignore_errors=True)
    return str(target)


class ScorecardExports(QObject):
    """Asks where to and writes a tab's scorecards as CSV or PDF.

    Signals (GUI thread): ``exported(object)`` with the path written, or the exception when it failed;
    ``message(str)`` for the status bar.
    """

    exported = Signal(object)
    message = Signal(str)

    def __init__(self, tasks: TaskManager, lang: str, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks, self.lang = tasks, lang

    def ask(self, kind: str, cards: Scorecards, subject: str, shown: Sequence, place: str,
            parent: QWidget | None = None) -> None:
        """Ask for a file name, then :meth:`export`."""
        what = "workers" if subject == "worker" else "departments"
        name = f"scorecards-{what}-{cards.month}{'-' + place if place else ''}.{kind}"
        if kind == "csv":
            path, _filter = QFileDialog.getSaveFileName(parent, self.tr("Export scorecards as CSV"),
                                                        str(Path.home() / name), self.tr("CSV files (*.csv)"))
        else:
            path, _filter = QFileDialog.getSaveFileName(parent, self.tr("Export scorecards as PDF"),
                                                        str(Path.home() / name), self.tr("PDF documents (*.pdf)"))
        if path:
            self.export(kind, path, cards, subject, shown, place)

    def export(self, kind: str, path: str, cards: Scorecards, subject: str, shown: Sequence, place: str) -> None:
        """Write ``shown`` (cards of ``subject``) to ``path``; the result comes as :attr:`exported`."""
        shown = tuple(shown)
        if kind == "csv":
            self.tasks.read(write_scorecards_csv, path, cards, subject, shown, self.lang,
                            on_done=lambda rows: self._written(path, rows),
                            on_error=lambda exc: self._failed(path, exc))
            return
        from widgets.scorecards_document import write_scorecards_pdf  # Qt's PDF writer: only when asked for
        drawn = str(Path(tempfile.mkdtemp(prefix="gridwatch-scorecards-")) / "scorecards.pdf")
        try:
            write_scorecards_pdf(cards, drawn, self.lang, place, workers=shown if subject == "worker" else None,
                                 departments=shown if subject == "department" else None)
        except OSError as exc:
            shutil.rmtree(Path(drawn).parent, ignore_errors=True)
            self._failed(path, exc)
            return
        self.tasks.read(move_into_place, drawn, path, on_done=lambda _path: self._written(path, len(shown)),
                        on_error=lambda exc: self._failed(path, exc))

    def _written(self, path: str, rows: int) -> None:
        self.message.emit(self.tr("%1 scorecards written to %2").replace("%1", str(rows)).replace("%2", path))
        self.exported.emit(path)

    def _failed(self, path: str, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.message.emit(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", reason))
        self.exported.emit(exc)
