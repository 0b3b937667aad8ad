"""Display names and time formatting."""

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from console.core.workflow import Action, RejectReason, Source, Status
from widgets import labels


@pytest.mark.parametrize("seconds, text", [
    (42, "42s"), (13 * 60 + 5, "13m 05s"), (2 * 3600 + 13 * 60 + 59, "2h 13m"), (3 * 86400 + 4 * 3600, "3d 4h"),
])
def test_durations_in_their_two_largest_units(qapp, seconds, text):
    assert labels.format_duration(seconds) == text


def test_time_left_and_overdue(qapp):
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    assert labels.format_time_left(now + timedelta(hours=2, minutes=13), now) == "2h 13m"
    assert labels.format_time_left(now - timedelta(hours=3), now) == "overdue 3h 0m"
    assert labels.format_time_left(int((now + timedelta(days=1)).timestamp()), now) == "1d 0h"


def test_every_enum_value_has_a_name(qapp):
    for enum, name in ((Status, labels.status_name), (Action, labels.action_name),
                       (Source, labels.source_name), (RejectReason, labels.reject_reason_name)):
        names = [name(value) for value in enum]
        assert all(names) and len(set(names)) == len(names)
    assert labels.status_name("in_progress") == "In progress"
    assert labels.level_name(4) == "4 · Joint meeting"
    assert labels.status_name("no-such") == "no-such"
    assert labels.format_count(1234567) == "1,234,567"


class Shouting(QTranslator):
    """A translation into capitals, to see which texts go through Qt's translation."""

    def translate(self, context, source, disambiguation=None, n=-1):
        return source.upper()

    def isEmpty(self):
        return False


def test_names_and_headers_go_through_qt_translation(qapp, small_db, tasks):
    from PySide6.QtCore import Qt

    from widgets.queue_model import Column, IncidentQueueModel
    model = IncidentQueueModel(small_db.store, tasks, small_db.service, "en")
    translator = Shouting()
    QCoreApplication.installTranslator(translator)
    try:
        assert labels.status_name(Status.IN_PROGRESS) == "IN PROGRESS"
        assert labels.source_name(Source.ONE_KEY) == "ONE-KEY REPORT"
        assert labels.format_duration(3 * 86400 + 3600) == "3D 1H"
        assert model.headerData(Column.TIME_LEFT, Qt.Orientation.Horizontal) == "TIME LEFT"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert labels.status_name(Status.IN_PROGRESS) == "In progress"
