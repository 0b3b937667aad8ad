"""The supervision-order list: orders with their state, PDF documents whose text reads back, a period's batch,
and the queue's CSV export run from the console behind a progress dialog."""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from console.core.clock import FakeClock
from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.reports_desk import ReportsDesk
from console.gui.taskman import TaskManager
from console.storage.db import open_store
from console.storage.dispatch import DispatchService, IncidentDraft
from console.storage.queue import QueueFilter, QueueSort
from console.storage.supervision import OrderState, SupervisionBook, order_state
from widgets import labels
from widgets.supervision_list import SupervisionList

from tests.storage.conftest import seed_places

START = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
OPERATOR = "值班员 张伟"


@pytest.fixture
def desk_db(tmp_path):
    """Three supervision orders, issued on Nov 4, 7 and 10 (level 1: a day's deadline, then a day's grace)."""
    store = open_store(str(tmp_path / "gridwatch.db"))
    places = seed_places(store)
    clock = FakeClock(START)
    service = DispatchService(store, clock)
    incidents = []
    for day, (title, actor) in enumerate([("邻里纠纷 楼上漏水", "system"), ("占道经营", "duty1"),
                                          ("噪声扰民", "system")]):
        clock.set(START + day * 3 * DAY)
        incident_id = service.report(IncidentDraft(subitem="DIS01", title=title, level=1,
                                                   grid_id=places.grids[day % 2]), "op")
        service.accept(incident_id, "duty1")
        service.assign(incident_id, "duty1", worker_id=places.workers[day % 2])
        clock.set(START + day * 3 * DAY + 2 * DAY + timedelta(minutes=5))
        assert service.check_deadlines(actor=actor).supervised == [incident_id]
        incidents.append(incident_id)
    service.resolve(incidents[1], "duty1", "已劝离")
    clock.set(START + 10 * DAY)
    yield store, clock, service, incidents
    store.dispose()


@pytest.fixture
def desk(desk_db, qtbot):
    store, clock, service, _incidents = desk_db
    tasks = TaskManager()
    context = ConsoleContext(store, service, tasks, default_taxonomy(), clock, OPERATOR, "en")
    desk = ReportsDesk(context)
    qtbot.addWidget(desk.view)
    yield desk
    tasks.shutdown()


def _squash(text: str) -> str:
    """Text without whitespace (extractors break lines and words in their own way) in NFKC form (a font
    may map a glyph it shares back to a compatibility character, a Kangxi radical for 网)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdf_pages(path) -> list[str]:
    """The text of each page of a PDF, squashed (:func:`_squash`)."""
    return [_squash(page.extract_text()) for page in PdfReader(str(path)).pages]


def _load(desk, qtbot, since: date, until: date) -> None:
    desk.set_shown(True)  # reads the default period, and at once again for this one: only the latter shows
    desk.view.set_period(since, until)
    qtbot.waitUntil(lambda: desk.view.summary.text() != "", timeout=5_000)


def test_order_states_follow_the_incident():
    assert order_state("dispatched") is OrderState.ISSUED
    assert order_state("reopened") is OrderState.ISSUED
    assert order_state("resolved") is OrderState.ANSWERED
    assert order_state("closed") is OrderState.CLOSED
    assert order_state("rejected") is OrderState.CLOSED


def test_the_list_shows_the_period_s_orders_with_their_state(desk, desk_db, qtbot):
    store, _clock, _service, incidents = desk_db
    _load(desk, qtbot, date(2026, 11, 1), date(2026, 11, 30))
    qtbot.waitUntil(lambda: desk.view.tree.topLevelItemCount() == 3, timeout=5_000)
    tree = desk.view.tree
    rows = {tree.topLevelItem(r).text(0): [tree.topLevelItem(r).text(c) for c in range(7)] for r in range(3)}
    assert sorted(rows) == ["DB-2026-0001", "DB-2026-0002", "DB-2026-0003"]
    first = rows["DB-2026-0001"]
    assert first[1] == "Issued" and tree.topLevelItem(2).toolTip(1) == "Issued — awaiting handling"
    assert first[2].endswith("邻里纠纷 楼上漏水") and first[3] == "王小红"
    assert first[4] == labels.format_datetime(START + DAY)
    assert first[5] == "system" and first[6] == labels.format_datetime(START + 2 * DAY + timedelta(minutes=5))
    assert rows["DB-2026-0002"][5] == "duty1" and rows["DB-2026-0002"][1] == "Answered"
    assert tree.topLevelItem(0).text(0) == "DB-2026-0003"  # newest issued first
    assert desk.view.summary.text() == "3 orders, 2 outstanding"

    tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # sortable by any column
    assert [tree.topLevelItem(r).text(0) for r in range(3)] == ["DB-2026-0001", "DB-2026-0002", "DB-2026-0003"]
    with qtbot.waitSignal(desk.incident_activated) as activated:
        tree.itemDoubleClicked.emit(tree.topLevelItem(1), 0)
    assert activated.args == [incidents[1]]

    desk.view.set_period(date(2026, 11, 7), date(2026, 11, 7))  # one local day: the second order only
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=5_000)
    assert tree.topLevelItem(0).text(0) == "DB-2026-0002"


def test_the_pdf_of_an_order_reads_as_the_document(desk_db, qtbot, tmp_path):
    store, clock, _service, _incidents = desk_db
    view = SupervisionList(default_taxonomy(), "zh_CN", OPERATOR)  # Chinese place and category names
    qtbot.addWidget(view)
    orders = SupervisionBook(store).orders()
    view.set_orders(orders)
    assert not view.export_button.isEnabled()
    view.select_order(orders[-1].id)
    assert view.export_button.isEnabled() and view.selected_orders() == [orders[-1]]
    path = tmp_path / "order.pdf"
    printed = START + 10 * DAY
    view.write_pdf(view.selected_orders(), str(path), printed)
    assert path.stat().st_size > 1_000
    [text] = _pdf_pages(path)
    order = orders[-1]
    for expected in ("Supervision order", "No. DB-2026-0001", order.incident_number, "邻里纠纷 楼上漏水", "王小红",
                     "Deadline missed", labels.format_datetime(order.deadline_missed_at),
                     "Issued by", "system", "Issued at", labels.format_datetime(order.issued_at),
                     "江桥村 / 第0网格", "矛盾纠纷", "Issued — awaiting handling",
                     f"printed {labels.format_datetime(printed)} by {OPERATOR}"):
        assert _squash(expected) in text, (expected, text)


def test_a_period_is_exported_as_one_pdf_with_a_page_per_order(desk, qtbot, tmp_path):
    _load(desk, qtbot, date(2026, 11, 5), date(2026, 11, 30))  # issued Nov 4, 7 and 10: the last two
    qtbot.waitUntil(lambda: desk.view.tree.topLevelItemCount() == 2, timeout=5_000)
    path = tmp_path / "period.pdf"
    with qtbot.waitSignal(desk.message) as told:
        assert desk.export_pdf(desk.view.shown_orders(), str(path))
    assert told.args == [f"2 supervision order(s) written to {path}"]
    pages = _pdf_pages(path)
    assert len(pages) == 2
    assert "DB-2026-0003" in pages[0] and "噪声扰民" in pages[0]
    assert "DB-2026-0002" in pages[1] and "duty1" in pages[1] and "已劝离" in pages[1]
    assert _squash("Answered — awaiting verification") in pages[1]
    assert all("DB-2026-0001" not in page for page in pages)


def test_a_pdf_that_cannot_be_written_is_reported(desk, qtbot, tmp_path):
    orders = SupervisionBook(desk.context.store).orders()
    with qtbot.waitSignal(desk.message) as told:
        assert not desk.export_pdf(orders, str(tmp_path / "no-such-dir" / "x.pdf"))
    assert told.args[0].startswith("Could not write")


def test_the_queue_exports_as_csv_off_the_gui_thread(desk, desk_db, qtbot, tmp_path):
    path = tmp_path / "queue.csv"
    with qtbot.waitSignal(desk.queue_exported, timeout=10_000) as exported:
        desk.export_queue(QueueFilter(), QueueSort(), str(path))
    assert exported.args[0].rows == 3
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][:4] == ["Number", "Title", "Status", "Level"]
    assert [row[1] for row in table[1:]] == ["噪声扰民", "占道经营", "邻里纠纷 楼上漏水"]
    assert table[2][2] == "Resolved" and table[1][2] == "Dispatched"
    assert table[1][6] == "Operator" and table[1][7:9] == ["Village 0", "第0网格"] and table[1][15] == "Yes"


def test_an_older_read_finishing_last_does_not_replace_the_chosen_period(desk, qtbot, monkeypatch):
    original, first_may_finish = desk.book.orders, threading.Event()
    calls = []

    def orders(since, until, limit):
        calls.append(since)
        if len(calls) == 1:  # the default period's read: held back until the newer one has been shown
            first_may_finish.wait(10)
        return original(since, until, limit)
    monkeypatch.setattr(desk.book, "orders", orders)
    _load(desk, qtbot, date(2026, 11, 5), date(2026, 11, 30))
    qtbot.waitUntil(lambda: desk.view.tree.topLevelItemCount() == 2, timeout=5_000)
    first_may_finish.set()
    qtbot.wait(300)  # the default period's orders arrive now, and are dropped
    assert len(calls) == 2 and desk.view.tree.topLevelItemCount() == 2
