"""The Scorecards dock's tables on the hand-built town: the scores and ranks shown, sorting by a header click,
the village filter, and a city's worth of rows sorted without a call per comparison."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from console.storage.scorecards import read_scorecards
from widgets.scorecards_tables import ScorecardTable, worker_columns
from widgets.scorecards_view import ScorecardsView
from tests.widgets.scorecard_rig import CN, NOW, OCTOBER, close_town, open_town


@pytest.fixture
def october(tmp_path):
    rig = open_town(tmp_path)
    cards = read_scorecards(rig.store, OCTOBER, tz=CN, now=NOW)
    yield rig.town, cards
    close_town(rig)


@pytest.fixture
def view(qtbot, october):
    _town, cards = october
    shown = ScorecardsView("en", OCTOBER)
    qtbot.addWidget(shown)
    shown.resize(1200, 700)
    shown.show()
    shown.set_scorecards(cards)
    return shown


def column(tab, header: str) -> int:
    return next(k for k, c in enumerate(tab.table.columns) if c.header == header)


def shown_rows(tab, *headers: str) -> list[tuple]:
    rows = tab.rows
    return [tuple(rows.index(r, column(tab, h)).data() for h in headers) for r in range(rows.rowCount())]


def test_the_workers_table_shows_scores_and_ranks_best_first(view):
    assert shown_rows(view.workers, "Name", "Score", "Last month", "Change", "Village rank", "Town rank",
                      "Reports", "Grade") == [
        ("王小红", "51.9", "50.6", "+1.3", "1", "1", "4", "fail"),
        ("张三", "50.0", "—", "—", "2", "2", "0", "fail"),
        ("李建国", "0.0", "50.0", "-50.0", "1", "3", "0", "fail"),
    ]
    assert shown_rows(view.departments, "Department", "Category", "Score", "Town rank", "Joint meetings") == [
        ("Department 1", "B", "100.0", "1", "0"),
        ("Department 2", "B", "65.0", "2", "1"),
        ("Department 0", "A", "55.0", "3", "1"),
    ]
    assert "rules 2026-07" in view.status.text() and view.csv_button.isEnabled()


def test_a_header_click_sorts_and_the_village_filter_narrows(qtbot, view, october):
    town, _cards = october
    tab = view.workers
    header = tab.view.horizontalHeader()
    name = column(tab, "Name")
    middle = QPoint(header.sectionViewportPosition(name) + header.sectionSize(name) // 2, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    names = [r[0] for r in shown_rows(tab, "Name")]
    assert names in (sorted(names), sorted(names, reverse=True))
    tab.view.sortByColumn(column(tab, "Score"), Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in shown_rows(tab, "Name")] == ["王小红", "张三", "李建国"]
    tab.view.sortByColumn(column(tab, "Last month"), Qt.SortOrder.AscendingOrder)
    assert [r[0] for r in shown_rows(tab, "Last month")] == ["50.0", "50.6", "—"]  # blanks last
    tab.view.sortByColumn(column(tab, "Last month"), Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in shown_rows(tab, "Last month")] == ["50.6", "50.0", "—"]

    tab.set_group(town.places.villages[0])  # 江桥村
    assert sorted(r[0] for r in shown_rows(tab, "Name")) == ["张三", "王小红"]
    assert tab.place() == "Village 0" and len(tab.rows.shown_cards()) == 2


def test_sorting_keeps_the_selected_worker_selected(qtbot, view, october):
    town, _cards = october
    tab = view.workers
    with qtbot.waitSignal(view.subject_selected, timeout=2000) as selected:
        view.select("worker", town.w1)
    assert selected.args == ["worker", town.w1]
    tab.view.sortByColumn(column(tab, "Name"), Qt.SortOrder.DescendingOrder)
    assert tab.view.currentIndex().data(ScorecardTable.SubjectRole) == town.w1


def test_a_citys_workers_sort_in_a_blink(qapp, october):
    _town, cards = october
    w0 = cards.workers[0]
    city = [replace(w0, worker_id=k, name=f"工{k:05d}", score=replace(w0.score, total=(k * 37) % 1000 / 10))
            for k in range(26_059)]
    table = ScorecardTable("worker", worker_columns("en"))
    table.set_cards(city)
    score = next(k for k, c in enumerate(table.columns) if c.header == "Score")
    started = time.perf_counter()
    table.sort(score, Qt.SortOrder.DescendingOrder)
    seconds = time.perf_counter() - started
    assert table.index(0, score).data() == "99.9" and table.index(26_058, score).data() == "0.0"
    assert seconds < 1.0, seconds
