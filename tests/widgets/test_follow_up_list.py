"""The operator's follow-up list: tasks read in the interface language, settle with a note, open the subject."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from console.storage.follow_ups import OUTSIDE_GRID, PHONE_VILLAGE, FollowUp
from widgets.follow_up_list import FollowUpList

AT = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)


def _task(task_id, kind, subject_id):
    subject = "village" if kind == PHONE_VILLAGE else "worker"
    return FollowUp(task_id, kind, subject, subject_id, "canonical title", AT, AT + timedelta(minutes=task_id),
                    AT - timedelta(hours=2), None, None, "")


def test_settling_the_selected_task_sends_the_note(qtbot):
    view = FollowUpList()
    qtbot.addWidget(view)
    view.set_tasks([_task(1, PHONE_VILLAGE, 7), _task(2, OUTSIDE_GRID, 42)], {7: "东村"}, {42: "王五"})
    texts = [view.tree.topLevelItem(i).text(1) for i in range(2)]
    assert texts == ["Phone 东村: still a red light", "王五 is outside their grid"]
    assert not view.done_button.isEnabled() and view.empty.isHidden()
    view.tree.setCurrentItem(view.tree.topLevelItem(1))
    view.note.setText("reached him by phone, back in his grid")
    with qtbot.waitSignal(view.settle_requested) as settled:
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    assert settled.args == [2, "reached him by phone, back in his grid"]
    assert view.note.text() == ""
    view.set_tasks([], {}, {})
    assert view.tree.topLevelItemCount() == 0 and not view.empty.isHidden()


def test_opening_a_task_shows_its_subject(qtbot):
    view = FollowUpList()
    qtbot.addWidget(view)
    view.set_tasks([_task(3, OUTSIDE_GRID, 42)], {}, {42: "王五"})
    item = view.tree.topLevelItem(0)
    with qtbot.waitSignal(view.subject_activated) as opened:
        view.tree.itemDoubleClicked.emit(item, 1)
    assert opened.args == ["worker", 42]
