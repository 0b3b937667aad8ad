"""Writing a printed document to a PDF file so that nothing half-written is ever left at its path."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

from console.atomic_file import replaced_atomically


def write_pdf(path: str, title: str, margins_mm: QMarginsF, draw: Callable[[QPdfWriter], None]) -> None:
    """Draw an A4 document at 300 dpi with ``draw(writer)`` into the PDF file ``path`` (GUI thread).

    The PDF is written to a temporary file next to ``path`` and renamed over it when complete, so a
    failure leaves ``path`` as it was; :class:`OSError` when it cannot be written (Qt's writer fails
    silently, so the result is checked)."""
    with replaced_atomically(path) as temp:
        writer = QPdfWriter(temp)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(margins_mm, QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setCreator("Gridwatch")
        writer.setTitle(title)
        draw(writer)
        del writer  # the file is complete once the writer is gone
        with open(temp, "rb") as written:
            if written.read(5) != b"%PDF-":
                raise OSError(f"Qt did not write a PDF to {temp}")
