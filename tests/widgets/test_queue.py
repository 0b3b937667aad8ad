"""The lazy dispatch queue over 200,000 incidents: pages, counts, filters, sorting, pinning, refresh."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from console.core.clock import to_epoch
from console.core.workflow import Source
from console.storage.dispatch import IncidentDraft
from console.storage.queue import QueueFilter
from tests.widgets.conftest import ACTIVE_ONE_KEY, N_INCIDENTS, SEARCH_WORD
from tests.widgets.helpers import OPEN_SQL, sql_count, sql_scalar
from widgets.queue_model import PAGE_SIZE, Column, IncidentQueueModel
from widgets.queue_view import QueueView

TIMEOUT = 10_000


@pytest.fixture
def model(qtbot, big_db, tasks):
    m = IncidentQueueModel(big_db.store, tasks, big_db.service, "en")
    qtbot.waitUntil(lambda: not m.is_loading() and m.rowCount() > 0, timeout=TIMEOUT)
    return m


@pytest.fixture
def view(qtbot, big_db, tasks):
    m = IncidentQueueModel(big_db.store, tasks, big_db.service, "en")
    v = QueueView(m)
    qtbot.addWidget(v)
    v.resize(1400, 700)
    v.show()
    qtbot.waitUntil(lambda: not m.is_loading() and m.rowCount() > 0
                    and m.current_filter().statuses and v.village_filter.count() > 1, timeout=TIMEOUT)
    return v


def settle(qtbot, view_or_model, action):
    model = view_or_model.model() if isinstance(view_or_model, QueueView) else view_or_model
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        action()
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)


def test_first_page_counts_and_pinned_rows(qtbot, big_db, model):
    assert model.current_filter() == QueueFilter()
    assert model.rowCount() == sql_count(big_db.store) >= N_INCIDENTS
    pinned = sql_count(big_db.store, "queue_rank = 0")
    assert model.pinned_count() == pinned >= ACTIVE_ONE_KEY
    rows = [model.row_at(r) for r in range(pinned + PAGE_SIZE)]
    assert all(row is not None for row in rows), "the first page comes with the counts"
    assert all(row.one_key and row.status in ("reported", "accepted", "dispatched", "in_progress", "reopened")
               for row in rows[:pinned])
    assert not any(row.one_key and row.status == "reported" for row in rows[pinned:])
    newest = sql_scalar(big_db.store, "SELECT id FROM incidents WHERE queue_rank != 0 "
                                      "ORDER BY created_at DESC, id DESC LIMIT 1")
    assert rows[pinned].id == newest
    assert model.row_at(pinned + PAGE_SIZE + 1) is None, "later pages are not fetched until asked for"


def test_scrolling_fetches_pages_lazily_within_the_cache_bound(qtbot, big_db, view):
    model = view.model()
    settle(qtbot, view, lambda: view.status_filter.set_preset("all"))
    assert model.rowCount() == sql_count(big_db.store)
    view.table.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=TIMEOUT)
    oldest = sql_scalar(big_db.store, "SELECT id FROM incidents WHERE queue_rank != 0 "
                                      "ORDER BY created_at, id LIMIT 1")
    assert model.row_at(last).id == oldest
    assert view.table.model().index(last, Column.NUMBER).data() == model.row_at(last).number
    rnd = random.Random(5)
    for row in rnd.sample(range(model.rowCount()), 30):
        view.table.scrollTo(model.index(row, 0))
        qtbot.waitUntil(lambda row=row: model.row_at(row) is not None, timeout=TIMEOUT)
        assert model.cached_row_count() <= model.cache_bound
    assert model.cached_row_count() <= model.cache_bound < model.rowCount() / 10


@pytest.mark.parametrize("how, where", [
    ("status", "status = 'reported'"),
    ("category", "category = 'FIR' AND " + OPEN_SQL),
    ("subitem", "subitem = 'DIS01' AND " + OPEN_SQL),
    ("level", "level = 4 AND " + OPEN_SQL),
    ("village", "village_id = 3 AND " + OPEN_SQL),
    ("source", "source = 'camera' AND " + OPEN_SQL),
    ("overdue", "deadline_at < :now AND " + OPEN_SQL),
    ("text", f"(title LIKE '%{SEARCH_WORD}%' OR number LIKE '%{SEARCH_WORD}%' OR "
             f"description LIKE '%{SEARCH_WORD}%' OR assignee_text LIKE '%{SEARCH_WORD}%') AND " + OPEN_SQL),
])
def test_filter_bar_gives_exactly_the_matching_rows(qtbot, big_db, view, how, where):
    model = view.model()

    def choose(combo, data):
        index = combo.findData(data)
        assert index > 0
        combo.setCurrentIndex(index)
    change = {
        "status": lambda: view.status_filter.set_statuses(frozenset({"reported"})),
        "category": lambda: choose(view.category_filter, "category:FIR"),
        "subitem": lambda: choose(view.category_filter, "subitem:DIS01"),
        "level": lambda: choose(view.level_filter, 4),
        "village": lambda: choose(view.village_filter, 3),
        "source": lambda: choose(view.source_filter, Source.CAMERA.value),
        "overdue": lambda: view.overdue_only.setChecked(True),
        "text": lambda: qtbot.keyClicks(view.search, SEARCH_WORD),
    }[how]
    settle(qtbot, view, change)
    expected = sql_count(big_db.store, where, now=to_epoch(big_db.clock.now()))
    assert expected > 0
    assert model.total_count() == model.rowCount() == expected
    assert view.count_label.text().startswith(f"{expected:,} incident")
    shown = [model.row_at(r) for r in range(min(model.rowCount(), 50))]
    assert all(row is not None for row in shown)
    if how == "text":
        assert all(SEARCH_WORD in row.title for row in shown)
    if how == "village":
        assert {row.village for row in shown} == {"测试03村"}


def test_search_is_debounced(qtbot, view):
    model = view.model()
    seen = []
    model.counts_changed.connect(lambda p, t: seen.append(t))
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        qtbot.keyClicks(view.search, "bridge")
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    assert len(seen) == 1, "one query for the whole word, not one per key"
    assert model.current_filter().text == "bridge"


def test_sorting_by_the_time_left_column_orders_by_deadline(qtbot, big_db, view):
    model = view.model()
    settle(qtbot, view, lambda: view.table.sortByColumn(Column.TIME_LEFT, Qt.SortOrder.AscendingOrder))
    assert model.current_sort().key.value == "deadline" and not model.current_sort().descending
    pinned = model.pinned_count()
    deadlines = [model.row_at(r).deadline_at for r in range(pinned, pinned + PAGE_SIZE)]
    assert deadlines == sorted(deadlines)
    first = sql_scalar(big_db.store, f"SELECT id FROM incidents WHERE queue_rank != 0 AND {OPEN_SQL} "
                                     "ORDER BY deadline_at, id LIMIT 1")
    assert model.row_at(pinned).id == first
    assert all(model.row_at(r).one_key for r in range(pinned)), "one-key rows stay first whatever the sort"
    settle(qtbot, view, lambda: view.table.sortByColumn(Column.TIME_LEFT, Qt.SortOrder.DescendingOrder))
    deadlines = [model.row_at(r).deadline_at for r in range(pinned, pinned + PAGE_SIZE)]
    assert deadlines == sorted(deadlines, reverse=True)


def test_replies_to_a_superseded_filter_are_dropped(qtbot, big_db, model):
    totals = []
    model.counts_changed.connect(lambda p, t: totals.append(t))
    model.set_filter(QueueFilter(statuses=frozenset({"closed"})))
    model.set_filter(QueueFilter(statuses=frozenset({"rejected"})))
    with qtbot.waitSignal(model.counts_changed, timeout=TIMEOUT):
        pass
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=TIMEOUT)
    assert totals == [sql_count(big_db.store, "status = 'rejected'")]
    assert all(model.row_at(r).status == "rejected" for r in range(20))


def test_refresh_shows_new_rows_and_keeps_the_selection(qtbot, big_db, view):
    model, table = view.model(), view.table
    pinned = model.pinned_count()
    table.selectRow(pinned + 3)
    chosen = view.current_row()
    assert chosen is not None
    before = model.rowCount()
    big_db.clock.advance(timedelta(minutes=1))
    new_id = big_db.service.report(IncidentDraft("TRA01", "Pothole after the rain", grid_id=4), "tester")
    settle(qtbot, view, model.refresh)
    assert model.rowCount() == before + 1
    assert model.row_at(pinned).id == new_id, "the newest report is first after the pinned rows"
    assert table.currentIndex().row() == pinned + 4
    assert view.current_row().id == chosen.id


def test_countdown_updates_only_the_time_left_column_of_visible_rows(qtbot, view):
    model = view.model()
    first, last = view.table.rowAt(0), view.table.rowAt(view.table.viewport().height() - 1)
    before = model.index(first, Column.TIME_LEFT).data()

    def only_time_left(top, bottom, roles=()):
        return (top.column() == bottom.column() == Column.TIME_LEFT and top.row() == first
                and bottom.row() == last)
    view.model().service.clock.advance(timedelta(seconds=61))
    with qtbot.waitSignal(model.dataChanged, timeout=3000, check_params_cb=only_time_left):
        pass
    assert model.index(first, Column.TIME_LEFT).data() != before
    assert last - first < 60
