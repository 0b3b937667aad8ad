"""The Scorecards dock wired (:class:`ScorecardRoom`) on the hand-built town of tests/storage/test_scorecards.py:
computed only once shown, cancellable, the 12 months' history, drill-down into the queue, CSV and PDF exports;
and its dock in the main window."""

from __future__ import annotations

import csv
import errno
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.core.assessment import Month
from console.gui import scorecard_exports, scorecard_room
from console.gui.scorecard_room import ScorecardRoom
from console.storage.scorecards import read_scorecards
from console.tasks import Cancelled
from widgets.queue_model import IncidentQueueModel
from widgets.queue_view import QueueView
from tests.console.test_main_window import console, demo_db  # noqa: F401  (the demo town and its window)
from tests.widgets.scorecard_rig import CN, NOW, OCTOBER, SEPTEMBER, TIMEOUT, close_town, open_town, pdf_text

NOVEMBER = Month(2026, 11)


@pytest.fixture
def rig(tmp_path, qapp):
    town = open_town(tmp_path)
    yield town
    close_town(town)


@pytest.fixture
def room(rig, qtbot):
    made = ScorecardRoom(rig.context, tz=CN)
    qtbot.addWidget(made.view)
    made.view.resize(1200, 800)
    made.view.show()
    yield made
    made.stop()


def shown(room, qtbot, month: Month | None = None):
    with qtbot.waitSignal(room.loaded, timeout=TIMEOUT) as loaded:
        room.set_shown(True) if month is None else room.load(month)
    return loaded.args[0]


def double_click(tab, row_subject: int, header: str) -> None:
    column = next(k for k, c in enumerate(tab.table.columns) if c.header == header)
    row = next(r for r in range(tab.rows.rowCount()) if tab.rows.index(r, 0).data(tab.table.SubjectRole) == row_subject)
    index = tab.rows.index(row, column)
    tab.view.scrollTo(index)
    rect = tab.view.visualRect(index)
    assert tab.view.viewport().rect().contains(rect.center())
    for act in (QTest.mouseClick, QTest.mouseDClick):  # an item view takes a double click after a click
        act(tab.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def test_nothing_is_computed_until_shown_then_the_last_full_month(room, rig, qtbot):
    assert room.cards is None and not room.is_busy()
    cards = shown(room, qtbot)
    assert cards.month == OCTOBER and room.view.month() == OCTOBER  # judged on 2 November
    assert cards.worker(rig.town.w0).score.total == 51.9
    assert not room.view.cancel_button.isVisible()
    room.set_shown(False)
    room.set_shown(True)  # shown again: nothing recomputed
    assert not room.is_busy()


def test_loading_can_be_cancelled(room, qtbot, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real = scorecard_room.read_scorecards

    def held(*args, **kwargs):
        started.set()
        release.wait(TIMEOUT / 1000)
        return real(*args, **kwargs)
    monkeypatch.setattr(scorecard_room, "read_scorecards", held)
    room.set_shown(True)
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT)
    assert room.view.cancel_button.isVisible() and room.is_busy()
    with qtbot.waitSignal(room.load_stopped, timeout=TIMEOUT) as stopped:
        QTest.mouseClick(room.view.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert isinstance(stopped.args[0], Cancelled)
    assert room.cards is None and not room.is_busy() and not room.view.cancel_button.isVisible()
    assert "Cancelled" in room.view.status.text()
    monkeypatch.setattr(scorecard_room, "read_scorecards", real)
    assert shown(room, qtbot, OCTOBER).month == OCTOBER


def test_drill_down_puts_exactly_the_counted_incidents_in_the_queue(room, rig, qtbot):
    cards = shown(room, qtbot)
    town = rig.town
    with qtbot.waitSignal(room.filter_requested, timeout=TIMEOUT) as requested:
        double_click(room.view.workers, town.w0, "Reports")
    flt, description, chip = requested.args
    assert flt.incident_ids == frozenset(cards.incidents("worker", town.w0, "reports"))
    assert len(flt.incident_ids) == 4 and flt.statuses == frozenset()
    assert "王小红" in chip and "reports" in chip and "2026-10" in chip and "4 incident(s)" in chip

    context = rig.context
    model = IncidentQueueModel(rig.store, context.tasks, context.service, "en")
    queue = QueueView(model)
    qtbot.addWidget(queue)
    queue.show()
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    room.filter_requested.connect(queue.apply_filter_from_outside)
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        room.view.tabs.setCurrentWidget(room.view.departments)
        double_click(room.view.departments, town.market, "Joint meetings")
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    assert {model.row_at(r).id for r in range(model.rowCount())} == \
        set(cards.incidents("department", town.market, "joint_meetings")) == {town.ids["f"]}
    assert queue.outside_filter.isVisible() and "Joint meetings".lower() in queue.outside_filter.text().lower()

    messages = []
    room.message.connect(messages.append)
    room.filter_requested.disconnect(queue.apply_filter_from_outside)
    room.drill_down("worker", town.w2, "reports")  # nothing behind a zero: said, not an unfiltered queue
    assert messages and "No incidents" in messages[-1]


def test_the_12_months_are_computed_in_the_background_once_someone_is_selected(room, rig, qtbot):
    town = rig.town
    cards = shown(room, qtbot, NOVEMBER)
    assert room.missing_months() == [SEPTEMBER]  # October came with November; nothing before September
    assert not room.is_busy()  # nobody selected yet: nothing computed
    with qtbot.waitSignal(room.history_changed, timeout=TIMEOUT):
        room.view.select("worker", town.w0)
    assert not room.missing_months()
    months, values = room.series("worker", town.w0)
    assert months[-1] == NOVEMBER and len(months) == 12
    assert values == [None] * 9 + [50.6, 51.9, cards.worker(town.w0).score.total]
    november = read_scorecards(rig.store, NOVEMBER, tz=CN, now=NOW, previous=False)
    assert values[-1] == november.worker(town.w0).score.total
    assert room.view.chart.values() == values
    assert "王小红" in room.view.chart.plot_item.titleLabel.text
    room.view.select("worker", town.w2)  # the history is kept: no more computing
    assert not room.is_busy()
    assert room.series("worker", town.w2)[1][-3:] == [None, 50.0, november.worker(town.w2).score.total]


def test_a_village_as_csv_and_its_workers_as_a_pdf(room, rig, qtbot, tmp_path):
    shown(room, qtbot)
    room.view.workers.set_group(rig.town.places.villages[0])
    path = tmp_path / "jiangqiao.csv"
    with qtbot.waitSignal(room.exports.exported, timeout=TIMEOUT) as exported:
        room.export("csv", str(path))
    assert exported.args[0] == str(path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[:4] == ["month", "rules version", "code", "name"]
    assert [r[3] for r in rows] == ["王小红", "张三"] and rows[0][header.index("score")] == "51.9"

    pdf = tmp_path / "jiangqiao.pdf"
    with qtbot.waitSignal(room.exports.exported, timeout=TIMEOUT) as exported:
        room.export("pdf", str(pdf))
    assert exported.args[0] == str(pdf)
    text = pdf_text(pdf)
    assert "Grid worker assessment — Village 0" in text and "李建国" not in text
    assert text.index("王小红") < text.index("张三")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_departments_tab_exports_the_departments(room, rig, qtbot, tmp_path):
    shown(room, qtbot)
    room.view.tabs.setCurrentWidget(room.view.departments)
    pdf = tmp_path / "departments.pdf"
    with qtbot.waitSignal(room.exports.exported, timeout=TIMEOUT):
        room.export("pdf", str(pdf))
    text = pdf_text(pdf)
    assert "Department assessment" in text and all(f"Department {k}" in text for k in range(3))


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_a_bad_path_or_a_full_disk_is_said_plainly(room, qtbot, tmp_path, monkeypatch, kind):
    shown(room, qtbot)
    messages = []
    room.exports.message.connect(messages.append)
    missing = tmp_path / "no-such-folder" / f"scores.{kind}"
    with qtbot.waitSignal(room.exports.exported, timeout=TIMEOUT) as exported:
        room.export(kind, str(missing))
    assert isinstance(exported.args[0], OSError)
    assert messages[-1] == f"Could not write {missing}: No such file or directory"

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    if kind == "csv":
        monkeypatch.setattr("console.storage.scorecards_export.open", full, raising=False)
    else:
        monkeypatch.setattr(scorecard_exports.shutil, "copyfileobj", full)
    target = tmp_path / f"scores.{kind}"
    with qtbot.waitSignal(room.exports.exported, timeout=TIMEOUT) as exported:
        room.export(kind, str(target))
    assert isinstance(exported.args[0], OSError)
    assert messages[-1] == f"Could not write {target}: No space left on device"
    assert not target.exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_dock_sits_with_the_dashboard_and_computes_only_when_shown(console, qtbot):  # noqa: F811
    open_window, _store, _clock, _settings = console
    window = open_window()
    dock, room = window.scorecards_dock, window.scorecards
    assert dock in window.tabifiedDockWidgets(window.dashboard_dock)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    assert dock.toggleViewAction() in view_menu.actions() and dock.toggleViewAction().text() == "Scorecards"
    assert room.cards is None and not room.is_busy()  # not at console start
    with qtbot.waitSignal(room.loaded, timeout=TIMEOUT) as loaded:
        dock.show()
        dock.raise_()
    cards = loaded.args[0]
    assert cards.month == Month(2026, 10) and len(cards.workers) == 348  # the demo town, judged in November

    november = shown(room, qtbot, NOVEMBER)
    worker = max(november.workers, key=lambda w: w.reports)
    ids = november.incidents("worker", worker.worker_id, "reports")
    assert ids
    model = window.queue_model
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        room.drill_down("worker", worker.worker_id, "reports")
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    assert model.current_filter().incident_ids == frozenset(ids) and model.total_count() == len(ids)
    assert worker.name in window.queue_view.outside_filter.text()


def test_the_month_before_the_stores_first_incident_is_no_last_month(room, rig, qtbot):
    cards = shown(room, qtbot, SEPTEMBER)  # the town's first incident is on 3 September
    assert {w.previous_score for w in cards.workers} == {None}
    assert {d.previous_score for d in cards.departments} == {None}
    assert room.missing_months() == [] and Month(2026, 8) not in room.history
