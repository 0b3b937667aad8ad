"""The monthly report (月度报告) as a PDF: the dashboard's charts and tables over one month, drawn with QPainter.

Pages of A4: the title (town or village, month), the key figures, new incidents per day as a bar chart
with its axes, the sources and categories as bars; then the closure rate against the city's 99.6 %, the
average time to close per difficulty level, the stationed departments' linkage table and the villages'
table with their red lights.  Tables run on to further pages (their header repeated); every page has
the footer with its number.  Fonts as in :mod:`widgets.supervision_document` (text that extracts
correctly: DejaVu Sans for Latin, WenQuanYi Micro Hei / Noto Sans CJK for Chinese, nothing bold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

from console.core.redlight import RedLightPolicy
from console.core.taxonomy import Taxonomy
from console.storage.monthly_report import MonthFigures
from widgets import labels
from widgets.pdf_file import write_pdf
from widgets.supervision_document import FONT_FAMILIES

BAR = QColor("#3b78b8")
GRID = QColor("#cccccc")
RED = QColor("#d32f2f")
GREEN = QColor("#2e7d32")
AMBER = QColor("#ef8f00")
HEADER_BG = QColor("#eeeeee")
MUTED = QColor("#555555")

# The document's words, translated in the context "MonthlyReport" (read by pyside6-lupdate).
_TITLE = QT_TRANSLATE_NOOP("MonthlyReport", "Monthly report — %1")
_ALL_TOWNS = QT_TRANSLATE_NOOP("MonthlyReport", "All towns")
_MONTH = QT_TRANSLATE_NOOP("MonthlyReport", "Month: %1 (%2 to %3)")
_AS_OF = QT_TRANSLATE_NOOP("MonthlyReport", "Open, overdue and closed as of %1")
_KEY_FIGURES = QT_TRANSLATE_NOOP("MonthlyReport", "Key figures")
_RECEIVED = QT_TRANSLATE_NOOP("MonthlyReport", "Received")
_CLOSED = QT_TRANSLATE_NOOP("MonthlyReport", "Closed")
_REJECTED = QT_TRANSLATE_NOOP("MonthlyReport", "Rejected")
_OPEN = QT_TRANSLATE_NOOP("MonthlyReport", "Still open")
_OVERDUE = QT_TRANSLATE_NOOP("MonthlyReport", "Overdue")
_CLOSURE_RATE = QT_TRANSLATE_NOOP("MonthlyReport", "Closure rate")
_AVERAGE_CLOSE = QT_TRANSLATE_NOOP("MonthlyReport", "Average time to close")
_RED_VILLAGES = QT_TRANSLATE_NOOP("MonthlyReport", "Villages on red light")
_PER_DAY = QT_TRANSLATE_NOOP("MonthlyReport", "New incidents per day")
_DAY_AXIS = QT_TRANSLATE_NOOP("MonthlyReport", "Day of the month")
_SOURCES = QT_TRANSLATE_NOOP("MonthlyReport", "Sources")
_CATEGORIES = QT_TRANSLATE_NOOP("MonthlyReport", "Categories")
_NONE = QT_TRANSLATE_NOOP("MonthlyReport", "No incidents this month")
_CLOSURE_TITLE = QT_TRANSLATE_NOOP("MonthlyReport", "Closure rate against the city's reference")
_THIS_MONTH = QT_TRANSLATE_NOOP("MonthlyReport", "This month")
_REFERENCE = QT_TRANSLATE_NOOP("MonthlyReport", "City reference")
_CLOSURE_NOTE = QT_TRANSLATE_NOOP("MonthlyReport", "Closed ÷ (received − rejected)")
_LEVELS_TITLE = QT_TRANSLATE_NOOP("MonthlyReport", "Average time to close per difficulty level")
_LEVEL = QT_TRANSLATE_NOOP("MonthlyReport", "Level")
_DEPARTMENTS_TITLE = QT_TRANSLATE_NOOP("MonthlyReport", "Department linkage")
_DEPARTMENT = QT_TRANSLATE_NOOP("MonthlyReport", "Department")
_ASSESSMENT = QT_TRANSLATE_NOOP("MonthlyReport", "Assessment")
_NO_DEPARTMENTS = QT_TRANSLATE_NOOP("MonthlyReport", "No stationed departments")
_VILLAGES_TITLE = QT_TRANSLATE_NOOP("MonthlyReport", "Villages")
_VILLAGE = QT_TRANSLATE_NOOP("MonthlyReport", "Village")
_REPORTED = QT_TRANSLATE_NOOP("MonthlyReport", "Reported")
_UNRESOLVED = QT_TRANSLATE_NOOP("MonthlyReport", "Unresolved")
_LIGHT = QT_TRANSLATE_NOOP("MonthlyReport", "Light")
_RED = QT_TRANSLATE_NOOP("MonthlyReport", "Red")
_NOT_RED = QT_TRANSLATE_NOOP("MonthlyReport", "Normal")
_RED_RULE = QT_TRANSLATE_NOOP("MonthlyReport", "Red light: %1 or more of the month's incidents still unresolved")
_FOOTER = QT_TRANSLATE_NOOP("MonthlyReport", "Gridwatch command room · printed %1 by %2")
_PAGE = QT_TRANSLATE_NOOP("MonthlyReport", "Page %1")


def _text(source: str) -> str:
    return QCoreApplication.translate("MonthlyReport", source)



def report_title(fig: MonthFigures, lang: str) -> str:
    return _text(_TITLE).replace("%1", fig.place_name(lang) or _text(_ALL_TOWNS))


def _category_name(taxonomy: Taxonomy, code: str, lang: str) -> str:
    try:
        return taxonomy.category(code).name(lang)
    except KeyError:
        return code


class _Pages:
    """A cursor down the pages of ``device`` in millimetres; starts new pages and draws each page's footer."""

    def __init__(self, device: QPagedPaintDevice, painter: QPainter, footer: str):
        self.device, self.painter, self.footer = device, painter, footer
        self.px = device.logicalDpiX() / 25.4        # device pixels per mm
        self.width = device.width() / self.px        # the paint rect (inside the margins), mm
        self.height = device.height() / self.px
        self.bottom = self.height - 10               # the footer's band
        self.y = 0.0
        self.page = 1

    def r(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.px, y * self.px, w * self.px, h * self.px)

    def font(self, size: float) -> QFont:
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setPointSizeF(size)
        font.setFeature(QFont.Tag("liga"), 0)
        self.painter.setFont(font)
        return font

    def text(self, x: float, y: float, w: float, h: float, text: str, size: float = 9,
             align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, color: QColor | None = None) -> None:
        self.font(size)
        self.painter.setPen(QPen(color or QColor("black")))
        self.painter.drawText(self.r(x, y, w, h), int(align), text)

    def fits(self, text: str, size: float, w: float) -> str:
        """``text`` elided to ``w`` mm."""
        metrics = QFontMetricsF(self.font(size), self.device)
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, w * self.px)

    def need(self, h: float) -> None:
        """Start a new page unless ``h`` mm are left on this one."""
        if self.y + h > self.bottom:
            self.new_page()

    def new_page(self) -> None:
        self.draw_footer()
        self.device.newPage()
        self.page += 1
        self.y = 0.0

    def draw_footer(self) -> None:
        self.painter.setPen(QPen(GRID, 0.3 * self.px))
        self.painter.drawLine(QPointF(0, (self.bottom + 3) * self.px), QPointF(self.width * self.px,
                                                                               (self.bottom + 3) * self.px))
        self.text(0, self.bottom + 4, self.width * 0.75, 5, self.footer, 7.5, color=MUTED)
        self.text(self.width * 0.75, self.bottom + 4, self.width * 0.25, 5, _text(_PAGE).replace("%1", str(self.page)),
                  7.5, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, MUTED)

    def heading(self, text: str) -> None:
        self.need(20)
        self.y += 4
        self.text(0, self.y, self.width, 7, text, 12)
        self.y += 8

    def fill(self, rect: QRectF, color: QColor) -> None:
        self.painter.fillRect(rect, QBrush(color))

    def table(self, columns: Sequence[tuple[str, float, bool]], rows: Sequence[Sequence[str]],
              decorate: Callable[[int, float], None] | None = None, row_h: float = 6.5) -> None:
        """A table: ``columns`` (header, width share, right-aligned), rows of text; runs on to new pages with
        its header again.  ``decorate(row, y)`` may draw over a row (the red-light dot)."""
        total = sum(share for _h, share, _r in columns)
        widths = [self.width * share / total for _h, share, _r in columns]

        def header() -> None:
            self.fill(self.r(0, self.y, self.width, row_h), HEADER_BG)
            self.draw_row([h for h, _s, _r in columns], widths, [r for _h, _s, r in columns], 8.5)
            self.y += row_h

        self.need(2 * row_h)
        header()
        for k, row in enumerate(rows):
            if self.y + row_h > self.bottom:
                self.new_page()
                header()
            self.draw_row(row, widths, [r for _h, _s, r in columns], 8.5)
            if decorate:
                decorate(k, self.y)
            self.painter.setPen(QPen(GRID, 0.2 * self.px))
            self.painter.drawLine(QPointF(0, (self.y + row_h) * self.px),
                                  QPointF(self.width * self.px, (self.y + row_h) * self.px))
            self.y += row_h
        self.y += 2

    def draw_row(self, cells: Sequence[str], widths: Sequence[float], right: Sequence[bool], size: float,
                 row_h: float = 6.5) -> None:
        x = 0.0
        for cell, w, r in zip(cells, widths, right):
            align = (Qt.AlignmentFlag.AlignRight if r else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
            self.text(x + 1.5, self.y, w - 3, row_h, self.fits(cell, size, w - 3), size, align)
            x += w


def draw_month(fig: MonthFigures, device: QPagedPaintDevice, taxonomy: Taxonomy, lang: str, printed_at: datetime,
               printed_by: str) -> None:
    """Draw the report on ``device`` (a :class:`QPdfWriter` or a printer), as many pages as it takes."""
    painter = QPainter(device)
    try:
        footer = _text(_FOOTER).replace("%1", labels.format_datetime(printed_at)).replace("%2", printed_by)
        p = _Pages(device, painter, footer)
        _front_page(p, fig, taxonomy, lang)
        _tables(p, fig, lang)
        p.draw_footer()
    finally:
        painter.end()


def _front_page(p: _Pages, fig: MonthFigures, taxonomy: Taxonomy, lang: str) -> None:
    month = f"{fig.year:04d}-{fig.month:02d}"
    last_day = labels.local_time(fig.day_starts[-1]).strftime("%Y-%m-%d") if fig.day_starts else ""
    first_day = labels.local_time(fig.start).strftime("%Y-%m-%d")
    p.text(0, p.y, p.width, 11, report_title(fig, lang), 18, Qt.AlignmentFlag.AlignCenter)
    p.y += 12
    p.text(0, p.y, p.width, 6, _text(_MONTH).replace("%1", month).replace("%2", first_day).replace("%3", last_day),
           10, Qt.AlignmentFlag.AlignCenter)
    p.y += 6
    p.text(0, p.y, p.width, 5, _text(_AS_OF).replace("%1", labels.format_datetime(fig.read_at)), 8,
           Qt.AlignmentFlag.AlignCenter, MUTED)
    p.y += 8

    # key figures: four boxes a row
    p.heading(_text(_KEY_FIGURES))
    below = fig.closure_rate is not None and fig.closure_rate < fig.reference_closure_rate
    boxes = [(_text(_RECEIVED), labels.format_count(fig.received), None),
             (_text(_CLOSED), labels.format_count(fig.closed), None),
             (_text(_REJECTED), labels.format_count(fig.rejected), None),
             (_text(_OPEN), labels.format_count(fig.open), None),
             (_text(_OVERDUE), labels.format_count(fig.overdue), RED if fig.overdue else None),
             (_text(_CLOSURE_RATE), labels.format_percent(fig.closure_rate), AMBER if below else GREEN),
             (_text(_AVERAGE_CLOSE), labels.format_figure_duration(fig.average_close_s), None),
             (_text(_RED_VILLAGES), str(len(fig.red_villages)), RED if fig.red_villages else None)]
    bw, bh, gap = (p.width - 3 * 3) / 4, 15, 3
    for k, (name, value, color) in enumerate(boxes):
        x, y = (k % 4) * (bw + gap), p.y + (k // 4) * (bh + gap)
        p.painter.setPen(QPen(GRID, 0.3 * p.px))
        p.painter.setBrush(Qt.BrushStyle.NoBrush)
        p.painter.drawRect(p.r(x, y, bw, bh))
        p.text(x + 2, y + 1, bw - 4, 5, p.fits(name, 7.5, bw - 4), 7.5, color=MUTED)
        p.text(x + 2, y + 6, bw - 4, 8, value, 14, color=color)
    p.y += 2 * bh + gap + 2

    # new incidents per day
    p.heading(_text(_PER_DAY))
    _day_chart(p, fig, 62)

    # sources and categories, side by side
    p.need(50)
    half = (p.width - 8) / 2
    top = p.y + 4
    p.text(0, top, half, 7, _text(_SOURCES), 12)
    p.text(half + 8, top, half, 7, _text(_CATEGORIES), 12)
    top += 8
    sources = [(labels.source_name(s), n) for s, n in fig.sources]
    categories = [(_category_name(taxonomy, c, lang), n) for c, n in fig.categories]
    end_left = _hbars(p, 0, top, half, sources)
    end_right = _hbars(p, half + 8, top, half, categories[:12])
    p.y = max(end_left, end_right) + 2


def _nice_ceiling(value: int) -> int:
    if value <= 4:
        return 4
    step = 1
    while True:
        for m in (1, 2, 5):
            if value <= 4 * m * step:
                return 4 * m * step
        step *= 10


def _day_chart(p: _Pages, fig: MonthFigures, height: float) -> None:
    p.need(height + 10)
    left, top = 12.0, p.y
    w, h = p.width - left, height - 12
    top_value = _nice_ceiling(max(fig.new_per_day, default=0))
    painter = p.painter
    for k in range(5):  # the value axis: 0, ¼, ½, ¾ and the top
        value = top_value * k // 4
        y = top + h - h * k / 4
        painter.setPen(QPen(GRID, 0.2 * p.px))
        painter.drawLine(QPointF(left * p.px, y * p.px), QPointF((left + w) * p.px, y * p.px))
        p.text(0, y - 2.5, left - 2, 5, labels.format_count(value), 7,
               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, MUTED)
    n = max(len(fig.new_per_day), 1)
    slot = w / n
    for k, count in enumerate(fig.new_per_day):
        bar_h = h * count / top_value
        p.fill(p.r(left + k * slot + slot * 0.15, top + h - bar_h, slot * 0.7, bar_h), BAR)
        if n <= 16 or k % 2 == 0 or k == n - 1:  # every day, or every other one when they crowd
            p.text(left + k * slot - 1, top + h + 0.5, slot + 2, 4, str(k + 1), 6.5, Qt.AlignmentFlag.AlignCenter,
                   MUTED)
    painter.setPen(QPen(QColor("black"), 0.3 * p.px))
    painter.drawLine(QPointF(left * p.px, (top + h) * p.px), QPointF((left + w) * p.px, (top + h) * p.px))
    p.text(left, top + h + 5, w, 5, _text(_DAY_AXIS), 7.5, Qt.AlignmentFlag.AlignCenter, MUTED)
    p.y = top + height


def _hbars(p: _Pages, x: float, y: float, w: float, items: Sequence[tuple[str, int]]) -> float:
    """Name, bar and count per item; returns where it ended."""
    if not any(n for _name, n in items):
        p.text(x, y, w, 6, _text(_NONE), 8.5, color=MUTED)
        return y + 6
    biggest = max(n for _name, n in items)
    name_w, count_w = w * 0.42, 14
    bar_w = w - name_w - count_w - 2
    for name, n in items:
        p.text(x, y, name_w - 1, 5.5, p.fits(name, 8, name_w - 1), 8)
        p.fill(p.r(x + name_w, y + 1, bar_w * n / biggest, 3.5), BAR)
        p.text(x + name_w + bar_w, y, count_w + 2, 5.5, labels.format_count(n), 8,
               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        y += 5.5
    return y


def _tables(p: _Pages, fig: MonthFigures, lang: str) -> None:
    p.new_page()
    # closure rate against the reference
    p.heading(_text(_CLOSURE_TITLE))
    p.need(22)
    label_w, bar_w = 36.0, p.width - 36 - 22
    below = fig.closure_rate is not None and fig.closure_rate < fig.reference_closure_rate
    for name, rate, color in ((_text(_THIS_MONTH), fig.closure_rate, AMBER if below else GREEN),
                              (_text(_REFERENCE), fig.reference_closure_rate, GRID)):
        p.text(0, p.y, label_w, 6, name, 9)
        p.painter.setPen(QPen(GRID, 0.2 * p.px))
        p.painter.setBrush(Qt.BrushStyle.NoBrush)
        p.painter.drawRect(p.r(label_w, p.y + 1, bar_w, 4))
        p.fill(p.r(label_w, p.y + 1, bar_w * (rate or 0), 4), color)
        p.text(label_w + bar_w, p.y, 22, 6, labels.format_percent(rate), 9,
               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        p.y += 7
    p.text(0, p.y, p.width, 5, _text(_CLOSURE_NOTE), 7.5, color=MUTED)
    p.y += 6

    # time to close per level
    p.heading(_text(_LEVELS_TITLE))
    p.table([(_text(_LEVEL), 3, False), (_text(_CLOSED), 1, True), (_text(_AVERAGE_CLOSE), 2, True)],
            [(labels.level_name(level), labels.format_count(fig.closed_by_level.get(level, 0)),
              labels.format_figure_duration(fig.average_close_by_level.get(level)))
             for level in sorted(fig.average_close_by_level)])

    # departments
    p.heading(_text(_DEPARTMENTS_TITLE))
    if fig.departments:
        p.table([(_text(_DEPARTMENT), 3.4, False), (_text(_ASSESSMENT), 1.5, False), (_text(_RECEIVED), 1.3, True),
                 (_text(_CLOSED), 1.2, True), (_text(_OVERDUE), 1.3, True), (_text(_AVERAGE_CLOSE), 2.9, True)],
                [(d.name(lang), d.assessment, labels.format_count(d.received), labels.format_count(d.closed),
                  labels.format_count(d.overdue), labels.format_figure_duration(d.average_close_s))
                 for d in fig.departments])
    else:
        p.text(0, p.y, p.width, 6, _text(_NO_DEPARTMENTS), 8.5, color=MUTED)
        p.y += 8

    # villages with their red lights
    p.heading(_text(_VILLAGES_TITLE))
    villages = fig.villages

    def dot(k: int, y: float) -> None:
        share_total = 4 + 1.5 + 1.5 + 1.8 + 1.8
        x = p.width * (4 + 1.5 + 1.5 + 1.8) / share_total + 2
        p.painter.setPen(Qt.PenStyle.NoPen)
        p.painter.setBrush(QBrush(RED if villages[k].red else GREEN))
        p.painter.drawEllipse(p.r(x, y + 1.75, 3, 3))
        p.painter.setBrush(Qt.BrushStyle.NoBrush)

    p.table([(_text(_VILLAGE), 4, False), (_text(_REPORTED), 1.5, True), (_text(_OPEN), 1.5, True),
             (_text(_UNRESOLVED), 1.8, True), ("      " + _text(_LIGHT), 1.8, False)],
            [(v.name(lang), labels.format_count(v.reported), labels.format_count(v.open),
              labels.format_percent(v.unresolved_share) if v.reported else "—",
              "      " + _text(_RED if v.red else _NOT_RED))
             for v in villages], decorate=dot)
    p.text(0, p.y, p.width, 5, _text(_RED_RULE).replace("%1", f"{RedLightPolicy().threshold:.0%}"), 7.5, color=MUTED)
    p.y += 6


def write_month_pdf(fig: MonthFigures, path: str, taxonomy: Taxonomy, lang: str, printed_at: datetime,
                    printed_by: str) -> None:
    """Write the report to the PDF file ``path`` (GUI thread: Qt's painting); a temporary file is renamed
    over ``path`` when complete; :class:`OSError` when it cannot be written."""
    write_pdf(path, report_title(fig, lang) + f" {fig.year:04d}-{fig.month:02d}", QMarginsF(18, 16, 18, 14),
              lambda writer: draw_month(fig, writer, taxonomy, lang, printed_at, printed_by))
