"""Timeline notes in the operator's language: the audit trail's fixed phrases are translated, free text is not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from console.core.workflow import Action
from console.resources import resource_path
from widgets.audit_notes import note_text
from widgets.labels import format_datetime


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(resource_path("i18n") / "gridwatch_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize("action, note, expected", [
    (Action.REPORT, "worker_app: 占道经营; 早市", "网格员App：占道经营; 早市"),
    (Action.ASSIGN, "to 王强", "派给 王强"),
    (Action.ASSIGN, "joint meeting: 城管中队, 市监所; 周三上午", "联席会议：城管中队, 市监所; 周三上午"),
    (Action.REJECT, "duplicate of 20261129-0001", "重复事件 20261129-0001"),
    (Action.REJECT, "invalid; 无具体地址", "无效上报; 无具体地址"),
    (Action.SUPERVISE, "supervision order DB-2026-0007 to 杨汛桥派出所", "督办单 DB-2026-0007 发往 杨汛桥派出所"),
    (Action.COMMENT, "duplicate report 20261129-0042 merged (reported by 李建国)",
     "已合并重复上报 20261129-0042（上报人：李建国）"),
    (Action.COMMENT, "duplicate report 20261129-0042 merged", "已合并重复上报 20261129-0042"),
    (Action.RESOLVE, "to be continued: 已清理", "to be continued: 已清理"),  # feedback: the handler's own words
])
def test_the_services_phrases_read_in_chinese(chinese, action, note, expected):
    assert note_text(action, note) == expected


def test_a_reminder_names_the_deadline_in_local_time(chinese):
    text = note_text(Action.REMIND, "deadline 2026-11-29 08:00 UTC passed")
    from datetime import datetime, timezone
    assert text == f"已超过办结时限 {format_datetime(datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc))}"


def test_in_english_the_phrases_stay_readable(qapp):
    assert note_text(Action.ASSIGN, "to Wang Qiang") == "to Wang Qiang"
    assert note_text(Action.REPORT, "camera: Shed on a roof") == "Camera: Shed on a roof"
    assert note_text("no-such-action", "x") == "x"
