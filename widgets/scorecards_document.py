"""A month's scorecards as a printed document (PDF) for the monthly training meeting: a village's grid workers
or the town's stationed departments, ranked, with the month before for comparison.

The words come from :mod:`console.storage.scorecards_export` (the CSV's headers, in Chinese or English), so the
command line prints the same document in either language without the console's translations.  Drawn with the
monthly report's page helper (:class:`widgets.monthly_report_document._Pages`), A4 landscape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPagedPaintDevice, QPainter, QPdfWriter

from console.storage.scorecards import DepartmentScorecard, Scorecards, WorkerScorecard
from console.storage.scorecards_export import (DEPARTMENT_HEADERS, DOCUMENT_WORDS, PRINTED_DEPARTMENT_COLUMNS,
                                               PRINTED_WORKER_COLUMNS, WORKER_HEADERS, department_rows, worker_rows)
from widgets.monthly_report_document import MUTED, _Pages
from widgets.pdf_file import write_pdf


def _key(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def draw_scorecards(cards: Scorecards, device: QPagedPaintDevice, lang: str, place: str,
                    workers: Sequence[WorkerScorecard] | None, departments: Sequence[DepartmentScorecard] | None,
                    printed_at: datetime) -> None:
    """Draw the workers' table (``workers``) or the departments' (``departments``) on ``device``."""
    key = _key(lang)
    words = DOCUMENT_WORDS[key]
    if workers is not None:
        title, headers, columns = words["workers"], WORKER_HEADERS[key], PRINTED_WORKER_COLUMNS
        rows = worker_rows(cards, workers, lang)
    else:
        title, headers, columns = words["departments"], DEPARTMENT_HEADERS[key], PRINTED_DEPARTMENT_COLUMNS
        rows = department_rows(cards, departments or (), lang)
    painter = QPainter(device)
    try:
        p = _Pages(device, painter, f"Gridwatch · {printed_at:%Y-%m-%d %H:%M}")
        p.text(0, p.y, p.width, 9, title.format(place=place or words["all"]), 15)
        p.y += 10
        read_at = datetime.fromtimestamp(cards.read_at).strftime("%Y-%m-%d %H:%M")
        p.text(0, p.y, p.width, 6, words["month"].format(month=cards.month, version=cards.rules.version,
                                                         read_at=read_at), 9, color=MUTED)
        p.y += 8
        if rows:
            p.table([(headers[k], share, right) for k, share, right in columns],
                    [[str(row[k]).lstrip("'") for k, _share, _right in columns] for row in rows])
        else:
            p.text(0, p.y, p.width, 6, words["empty"], 9, color=MUTED)
            p.y += 8
        grades = cards.rules.grades
        p.need(8)
        p.text(0, p.y, p.width, 5, words["rules"].format(excellent=f"{grades['excellent']:g}",
                                                         good=f"{grades['good']:g}", passed=f"{grades['pass']:g}"),
               7.5, color=MUTED)
        p.draw_footer()
    finally:
        painter.end()


def write_scorecards_pdf(cards: Scorecards, path: str, lang: str, place: str, *,
                         workers: Sequence[WorkerScorecard] | None = None,
                         departments: Sequence[DepartmentScorecard] | None = None,
                         printed_at: datetime | None = None) -> None:
    """Write the document to the PDF file ``path`` (a thread with a Qt GUI application: Qt's painting);
    :class:`OSError` when it cannot be written."""
    printed_at = printed_at or datetime.now()

    def draw(writer: QPdfWriter) -> None:
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        draw_scorecards(cards, writer, lang, place, workers, departments, printed_at)
    write_pdf(path, f"{cards.month} {place}", QMarginsF(14, 14, 14, 12), draw)
