"""The monthly report as a PDF: written, several pages with numbered footers, and its text reads back: the title,
the month, the key figures, a department, a village with its red light and the city's 99.6 %."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from console.core.taxonomy import default_taxonomy
from console.storage.db import open_store
from console.storage.monthly_report import read_month
from widgets.monthly_report_document import write_month_pdf

from tests.storage.conftest import seed_places
from tests.storage.test_monthly_report import NOW, UTC, add, nov
from tests.widgets.test_supervision_list import _squash, desk, desk_db  # noqa: F401 (fixtures)

OPERATOR = "值班员 张伟"


@pytest.fixture
def month_db(tmp_path):
    store = open_store(str(tmp_path / "gridwatch.db"))
    places = seed_places(store)
    add(store, places, nov(3), status="reported", deadline_after=3600, departments=(0,))
    add(store, places, nov(3), status="dispatched", deadline_after=3600, source="one_key", category="FIR")
    for day in range(1, 29, 3):
        add(store, places, nov(day), village=1, close_after=day * 3600, departments=(1,))
    add(store, places, nov(12), village=1, status="rejected", category="TRA")
    yield store, places
    store.dispose()


def _pages(path) -> list[str]:
    return [_squash(page.extract_text()) for page in PdfReader(str(path)).pages]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_town_report_pdf(qapp, month_db, tmp_path, lang):
    store, places = month_db
    fig = read_month(store, 2026, 11, tz=UTC, now=NOW)
    path = tmp_path / "report.pdf"
    write_month_pdf(fig, str(path), default_taxonomy(), lang, NOW, OPERATOR)
    assert path.stat().st_size > 2000
    assert not list(tmp_path.glob(".*.part"))  # the temporary file was renamed
    pages = _pages(path)
    assert len(pages) >= 2
    text = "".join(pages)
    town = "杨汛桥镇" if lang.startswith("zh") else "Yangxunqiao"
    assert _squash(f"Monthly report — {town}") in pages[0]
    assert "2026-11" in pages[0] and "2026-11-01" in pages[0] and "2026-11-30" in pages[0]
    # key figures: 13 received, 10 closed, 1 rejected, 2 open, 2 overdue; 10 / 12 closed
    assert "Received13" in pages[0] and "Closed10" in pages[0] and "Stillopen2" in pages[0]
    assert "83.3%" in pages[0]
    assert "Newincidentsperday" in pages[0] and "Dayofthemonth" in pages[0]
    assert "99.6%" in text
    department = "杨汛桥派出所" if lang.startswith("zh") else "Department0"
    assert department in text
    village = "江桥村" if lang.startswith("zh") else "Village0"
    assert village in text and "Red" in text
    assert _squash(OPERATOR) in text
    for k, page in enumerate(pages, start=1):
        assert f"Page{k}" in page


def test_village_report_pdf(qapp, month_db, tmp_path):
    store, places = month_db
    fig = read_month(store, 2026, 11, places.villages[1], tz=UTC, now=NOW)
    path = tmp_path / "village.pdf"
    write_month_pdf(fig, str(path), default_taxonomy(), "zh_CN", NOW, OPERATOR)
    pages = _pages(path)
    assert "Monthlyreport—麒麟村" in pages[0]
    assert "Received11" in pages[0]
    assert "麒麟村" in "".join(pages[1:]) and "江桥村" not in "".join(pages)


def test_empty_month_pdf(qapp, month_db, tmp_path):
    store, _places = month_db
    fig = read_month(store, 2026, 2, tz=UTC, now=NOW)
    path = tmp_path / "empty.pdf"
    write_month_pdf(fig, str(path), default_taxonomy(), "en", NOW, OPERATOR)
    assert "Noincidentsthismonth" in _pages(path)[0]


def test_long_tables_run_on_with_their_header(qapp, month_db, tmp_path):
    from console.storage.models import Village
    store, places = month_db
    with store.sessions.begin() as session:
        session.add_all(Village(code=f"X{k:03d}", town_id=places.town, name_zh=f"新村{k}", name_en=f"New village {k}",
                                lon=120.3, lat=30.1) for k in range(80))
    fig = read_month(store, 2026, 11, tz=UTC, now=NOW)
    path = tmp_path / "long.pdf"
    write_month_pdf(fig, str(path), default_taxonomy(), "en", NOW, OPERATOR)
    pages = _pages(path)
    assert len(pages) >= 4
    assert all(f"Page{k}" in page for k, page in enumerate(pages, start=1))
    text = "".join(pages)
    assert all(f"Newvillage{k}" in text for k in range(80))
    assert "VillageReportedStillopenUnresolvedLight" in pages[-1]  # the header again on the last page


def test_unwritable_path(qapp, month_db, tmp_path):
    store, _places = month_db
    fig = read_month(store, 2026, 11, tz=UTC, now=NOW)
    with pytest.raises(OSError):
        write_month_pdf(fig, str(tmp_path / "missing" / "report.pdf"), default_taxonomy(), "en", NOW, OPERATOR)


# -- wired: the File menu's "Monthly report…" through ReportsDesk -------------------------------------------------

def test_desk_writes_the_report_off_the_gui_thread(desk, tmp_path, qtbot):
    path = tmp_path / "november.pdf"
    with qtbot.waitSignal(desk.message, timeout=10_000) as said:
        desk.write_monthly_report(2026, 11, None, str(path))
    assert said.args[0] == f"Monthly report for 2026-11 written to {path}"
    text = "".join(_pages(path))
    assert "Received3" in text and "99.6%" in text


def test_desk_dialog_month_scope_and_file(desk, desk_db, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from widgets.monthly_report_dialog import MonthlyReportDialog
    store, _clock, _service, _incidents = desk_db
    chosen = {}

    def run(dialog):
        chosen["default"] = dialog.year_month()
        assert dialog.scope_combo.count() == 3 and dialog.village_id() is None
        dialog.month_edit.setDate(dialog.month_edit.date().addMonths(1))
        dialog.scope_combo.setCurrentIndex(2)  # the second village
        chosen["village"] = dialog.village_id()
        return MonthlyReportDialog.DialogCode.Accepted

    path = tmp_path / "village.pdf"
    monkeypatch.setattr(MonthlyReportDialog, "exec", run)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(desk.message, timeout=10_000) as said:
        desk.ask_monthly_report()
    assert chosen["default"] == (2026, 10)  # the clock is in November: last month is the default
    assert "2026-11" in said.args[0]
    pages = _pages(path)
    assert "Monthlyreport—Village1" in pages[0] and "Received1" in pages[0]  # the desk is in English


def test_desk_reports_a_write_failure(desk, tmp_path, qtbot):
    with qtbot.waitSignal(desk.message, timeout=10_000) as said:
        desk.write_monthly_report(2026, 11, None, str(tmp_path / "missing" / "r.pdf"))
    assert said.args[0].startswith("Could not write")
