"""The detail pane (facts, photos, timeline in local time) and the one-key alarm bar."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

from console.core.workflow import Action, Source
from console.storage.dispatch import IncidentDraft
from widgets.alarm_bar import OneKeyAlarmBar
from widgets.incident_detail import IncidentDetailPane

TIMEOUT = 10_000


def png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#884422"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


@pytest.fixture
def shanghai_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_detail_pane_shows_the_incident_its_photos_and_its_timeline(qtbot, small_db, tasks, shanghai_time):
    db, service = small_db, small_db.service
    incident_id = service.report(IncidentDraft(
        "FIR01", "Van burning on the ring road", "Smoke seen from the bridge", Source.ONE_KEY, grid_id=5,
        lon=120.35, lat=30.12, reporter="王芳", photos=[("van.png", "image/png", png(640, 480))]), "王芳")
    service.accept(incident_id, "op-li")
    service.assign(incident_id, "op-li", department_ids=[1, 5])
    db.clock.advance(timedelta(hours=3))
    service.check_deadlines()
    db.clock.advance(timedelta(hours=25))
    service.check_deadlines()

    pane = IncidentDetailPane(tasks, service, "en")
    qtbot.addWidget(pane)
    pane.resize(520, 900)
    pane.show()
    other = service.report(IncidentDraft("DIS01", "Another one", grid_id=2), "w")
    pane.show_incident(other)
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT) as blocker:
        pane.show_incident(incident_id)  # the first load's late reply must not win
    qtbot.waitUntil(lambda: pane.detail() is not None and pane.detail().incident.id == incident_id)
    assert blocker.args == [incident_id]

    incident = pane.detail().incident
    assert pane.number.text() == incident.number and pane.status.text() == "Dispatched"
    assert pane.fields["category"].text() == "Fire safety › Fire"
    assert pane.fields["source"].text() == "One-key report"
    assert pane.fields["location"].text() == "Test Village 02 / 第2网格"
    assert pane.fields["created"].text() == "2026-11-29 20:00", "local time (UTC+8)"
    assert pane.fields["deadline"].text().startswith("2026-11-29 22:00  (overdue 1d 2h")
    assert "[joint meeting]" in pane.fields["assignees"].text()
    assert "supervision order" in pane.fields["escalation"].text()
    assert pane.fields["alarm"].text() == "NOT acknowledged"

    steps = [pane.timeline.topLevelItem(i) for i in range(pane.timeline.topLevelItemCount())]
    recorded = [item.data(0, Qt.ItemDataRole.UserRole).action for item in steps]
    assert recorded == [Action.REPORT, Action.ACCEPT, Action.ASSIGN, Action.REMIND, Action.SUPERVISE]
    assert steps[0].text(0) == "2026-11-29 20:00" and steps[0].text(1) == "王芳"
    assert steps[1].text(2) == "Accepted  (Reported → Accepted)"
    assert steps[4].text(2).startswith("Supervision order\nsupervision order DB-2026-")

    thumbnails = pane.photos.findChildren(QToolButton)
    assert len(thumbnails) == 1
    thumbnails[0].click()
    assert pane.photo_dialog is not None and pane.photo_dialog.isVisible()
    assert pane.photo_dialog.image_label.pixmap().size().width() == 640
    pane.photo_dialog.close()

    pane.show_incident(-1)
    assert pane.incident_id() == -1 and pane.message.isVisible()


def test_detail_pane_follows_the_queue_row_version(qtbot, small_db, tasks):
    service = small_db.service
    incident_id = service.report(IncidentDraft("DIS01", "Parking quarrel", grid_id=2), "w")
    pane = IncidentDetailPane(tasks, service, "en")
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_incident(incident_id)
    service.accept(incident_id, "op")
    incident = service.get(incident_id)
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_row(incident)
    assert pane.status.text() == "Accepted"


def test_a_new_report_close_to_an_open_one_of_the_same_kind_says_so(qtbot, small_db, tasks):
    service = small_db.service
    first = service.report(IncidentDraft("ENV02", "Blocked drain", grid_id=2, lon=120.31, lat=30.11), "w")
    small_db.clock.advance(timedelta(hours=1))
    second = service.report(IncidentDraft("ENV02", "Drain blocked", grid_id=2, lon=120.3101, lat=30.11), "w")
    pane = IncidentDetailPane(tasks, service, "en")
    qtbot.addWidget(pane)
    pane.show()
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_incident(second)
    shown = pane.fields["duplicates"]
    assert shown.isVisibleTo(pane) and shown.text().startswith(service.get(first).number)
    assert "10 m away" in shown.text() and "1h" in shown.text()
    service.accept(second, "op")  # no longer a new report: no hint
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.reload(second)
    assert not shown.isVisibleTo(pane)


def test_alarm_bar_appears_for_a_one_key_report_and_goes_on_acknowledge(qtbot, small_db, tasks):
    service = small_db.service
    window = QWidget()
    qtbot.addWidget(window)
    bar = OneKeyAlarmBar(service.store, tasks, service, "op-li", "en")
    QVBoxLayout(window).addWidget(bar)
    window.show()
    qtbot.waitUntil(lambda: not bar._polling, timeout=TIMEOUT)
    assert bar.isHidden() and bar.alarms() == []

    service.report(IncidentDraft("DIS01", "Ordinary quarrel", grid_id=3), "w")
    incident_id = service.report(IncidentDraft("DIS05", "Crowd at the factory gate", source=Source.ONE_KEY,
                                               grid_id=3), "worker-zhao")
    with qtbot.waitSignal(bar.alarm_raised, timeout=TIMEOUT) as raised:
        bar.refresh()
    assert raised.args == [incident_id]
    assert bar.isVisible() and [row.id for row in bar.alarms()] == [incident_id]
    line = bar._lines[0]
    assert "Mass dispute" in line.label.text() and "Crowd at the factory gate" in line.label.text()

    with qtbot.waitSignal(bar.incident_activated, timeout=TIMEOUT) as activated:
        qtbot.mouseClick(line.label, Qt.MouseButton.LeftButton)
    assert activated.args == [incident_id]

    with qtbot.assertNotEmitted(bar.alarm_raised):
        with qtbot.waitSignal(bar.alarm_acknowledged, timeout=TIMEOUT):
            qtbot.mouseClick(line.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(bar.isHidden, timeout=TIMEOUT)
    assert service.get(incident_id).alarm_acknowledged_at is not None
    last = service.timeline(incident_id)[-1]
    assert last.action is Action.ACKNOWLEDGE_ALARM and last.actor == "op-li"
