"""A supervision order (督办单) as a printed document: built as rich text, written to PDF or a printer.

One order is one A4 page: the title and number, a table of the facts (incident, category, place,
assignee, the deadline it missed, who issued it and when, where it stands now), the demand to the
assignee, and lines for signatures.  A batch is the same pages one after another in one document.
Chinese text needs a CJK font, and the PDF must keep the text searchable and copyable (the PDF
embeds the glyphs it uses with their characters).  Font choice matters for that with Qt's PDF writer:
with Noto Sans CJK for Latin text, digits after letters take alternate glyphs that extract as junk
("DB-2026" → "DB-;;G-"), and its ideographs shared with Kangxi radicals extract as the radicals
("网" → "⽹"); so Latin text is set in DejaVu Sans and Chinese in WenQuanYi Micro Hei where installed,
Noto Sans CJK (and the Windows and macOS fonts) after them.  Nothing is bold: a font without a bold
face (WenQuanYi) is emboldened by drawing the text twice, which a text extractor reads twice.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMarginsF
from PySide6.QtGui import QFont, QPagedPaintDevice, QTextDocument

from console.core.taxonomy import Taxonomy
from console.storage.supervision import OrderRecord, OrderState
from widgets import labels
from widgets.pdf_file import write_pdf

#: Fonts tried in order for the document's text (the first installed one that has the glyph wins).
FONT_FAMILIES = ["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
                 "Source Han Sans SC", "sans-serif"]


def state_name(state: OrderState | str, short: bool = False) -> str:
    """An order's state: ``short`` for the list's column, else with what it waits for (the document, tooltips)."""
    state = OrderState(state)
    if short:
        names = {OrderState.ISSUED: QCoreApplication.translate("OrderState", "Issued"),
                 OrderState.ANSWERED: QCoreApplication.translate("OrderState", "Answered"),
                 OrderState.CLOSED: QCoreApplication.translate("OrderState", "Closed")}
    else:
        names = {OrderState.ISSUED: QCoreApplication.translate("OrderState", "Issued — awaiting handling"),
                 OrderState.ANSWERED: QCoreApplication.translate("OrderState", "Answered — awaiting verification"),
                 OrderState.CLOSED: QCoreApplication.translate("OrderState", "Closed")}
    return names[state]


# The document's words, translated in the context "SupervisionDocument" (read by pyside6-lupdate).
_ANSWERED_AT = QT_TRANSLATE_NOOP("SupervisionDocument", "answered %1")
_CLOSED_AT = QT_TRANSLATE_NOOP("SupervisionDocument", "closed %1")
_ORDER_NUMBER = QT_TRANSLATE_NOOP("SupervisionDocument", "Order number")
_INCIDENT = QT_TRANSLATE_NOOP("SupervisionDocument", "Incident")
_CATEGORY = QT_TRANSLATE_NOOP("SupervisionDocument", "Category")
_LEVEL = QT_TRANSLATE_NOOP("SupervisionDocument", "Level")
_PLACE = QT_TRANSLATE_NOOP("SupervisionDocument", "Place")
_ASSIGNEE = QT_TRANSLATE_NOOP("SupervisionDocument", "Assignee")
_DEADLINE_MISSED = QT_TRANSLATE_NOOP("SupervisionDocument", "Deadline missed")
_ISSUED_BY = QT_TRANSLATE_NOOP("SupervisionDocument", "Issued by")
_ISSUED_AT = QT_TRANSLATE_NOOP("SupervisionDocument", "Issued at")
_STATE = QT_TRANSLATE_NOOP("SupervisionDocument", "State")
_FEEDBACK = QT_TRANSLATE_NOOP("SupervisionDocument", "Feedback")
_DEMAND = QT_TRANSLATE_NOOP("SupervisionDocument", "Incident %1 passed its handling deadline of %2 without being "
                            "resolved. %3 is required to handle it without delay and report the result to the "
                            "command room.")
_FOOTER = QT_TRANSLATE_NOOP("SupervisionDocument", "Gridwatch command room · printed %1 by %2")
_TITLE = QT_TRANSLATE_NOOP("SupervisionDocument", "Supervision order")
_NUMBER = QT_TRANSLATE_NOOP("SupervisionDocument", "No. %1")
_RECEIVED_BY = QT_TRANSLATE_NOOP("SupervisionDocument", "Received by (assignee):")
_DATE = QT_TRANSLATE_NOOP("SupervisionDocument", "Date:")


def _text(source: str) -> str:
    return QCoreApplication.translate("SupervisionDocument", source)


def _esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br/>")


def order_html(order: OrderRecord, taxonomy: Taxonomy, lang: str, printed_at: datetime, printed_by: str,
               first: bool = True) -> str:
    """One order's page as rich text (``first=False`` starts it on a new page)."""
    subitem = taxonomy.item(order.subitem) if taxonomy.has_item(order.subitem) else None
    category = (f"{taxonomy.category(subitem.category).name(lang)} › {subitem.name(lang)}" if subitem
                else order.subitem)
    place = " / ".join(part for part in (order.village(lang), order.grid) if part) or "—"
    state = state_name(order.state)
    if order.resolved_at is not None and order.state is not OrderState.ISSUED:
        state += " · " + _text(_ANSWERED_AT).replace(
            "%1", labels.format_datetime(order.resolved_at))
    if order.closed_at is not None and order.state is OrderState.CLOSED:
        state += " · " + _text(_CLOSED_AT).replace("%1", labels.format_datetime(order.closed_at))
    rows = [
        (_text(_ORDER_NUMBER), order.number),
        (_text(_INCIDENT), f"{order.incident_number}  {order.incident_title}"),
        (_text(_CATEGORY), category),
        (_text(_LEVEL), labels.level_name(order.level)),
        (_text(_PLACE), place),
        (_text(_ASSIGNEE), order.assignee),
        (_text(_DEADLINE_MISSED), labels.format_datetime(order.deadline_missed_at)),
        (_text(_ISSUED_BY), order.issued_by),
        (_text(_ISSUED_AT), labels.format_datetime(order.issued_at)),
        (_text(_STATE), state),
    ]
    if order.feedback and order.state is not OrderState.ISSUED:
        rows.append((_text(_FEEDBACK), order.feedback))
    table = "".join(
        f'<tr><td width="28%" style="background-color:#eeeeee;">{_esc(name)}</td>'
        f"<td>{_esc(value)}</td></tr>" for name, value in rows)
    demand = (_text(_DEMAND)
              .replace("%1", order.incident_number).replace("%2", labels.format_datetime(order.deadline_missed_at))
              .replace("%3", order.assignee))
    footer = (_text(_FOOTER)
              .replace("%1", labels.format_datetime(printed_at)).replace("%2", printed_by))
    title_style = "font-size:22pt; margin-bottom:6px;" + ("" if first else " page-break-before: always;")
    return (
        f'<p align="center" style="{title_style}">{_esc(_text(_TITLE))}</p>'
        f'<p align="center">{_esc(_text(_NUMBER).replace("%1", order.number))}</p>'
        f'<table width="100%" border="1" cellspacing="0" cellpadding="6" style="border-collapse: collapse;">'
        f"{table}</table>"
        f'<p style="margin-top:14px; margin-bottom:24px;">{_esc(demand)}</p>'
        f'<table width="100%" cellpadding="8"><tr>'
        f'<td>{_esc(_text(_RECEIVED_BY))} ____________</td>'
        f'<td>{_esc(_text(_DATE))} ____________</td></tr></table>'
        f'<p style="font-size:small; color:#555555;">{_esc(footer)}</p>')


def orders_document(orders: Sequence[OrderRecord], taxonomy: Taxonomy, lang: str, printed_at: datetime,
                    printed_by: str) -> QTextDocument:
    """The orders as one document, one page each."""
    document = QTextDocument()
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(11)
    font.setFeature(QFont.Tag("liga"), 0)  # "fi" stays two letters when the text is extracted
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml("".join(order_html(order, taxonomy, lang, printed_at, printed_by, first=i == 0)
                             for i, order in enumerate(orders)))
    return document


def print_orders(orders: Sequence[OrderRecord], device: QPagedPaintDevice, taxonomy: Taxonomy, lang: str,
                 printed_at: datetime, printed_by: str) -> None:
    """Print the orders on ``device`` (a printer chosen in a print dialog, or a :class:`QPdfWriter`)."""
    orders_document(orders, taxonomy, lang, printed_at, printed_by).print_(device)


def write_orders_pdf(orders: Sequence[OrderRecord], path: str, taxonomy: Taxonomy, lang: str, printed_at: datetime,
                     printed_by: str) -> None:
    """Write the orders to the PDF file ``path``, one A4 page each (GUI thread: it lays out text).

    The PDF is written to a temporary file next to ``path`` and renamed over it when complete;
    :class:`OSError` when it cannot be written (Qt's writer fails silently, so the result is checked).
    """
    if not orders:
        raise ValueError("no supervision orders to write")
    numbers = orders[0].number if len(orders) == 1 else f"{orders[0].number} … {orders[-1].number}"
    write_pdf(path, QCoreApplication.translate("SupervisionDocument", "Supervision order") + " " + numbers,
              QMarginsF(20, 20, 20, 20),
              lambda writer: print_orders(orders, writer, taxonomy, lang, printed_at, printed_by))
