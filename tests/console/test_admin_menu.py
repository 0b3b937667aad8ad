"""The main window's Administration menu: its entry opens the Administration window for an administrator and
is disabled for an operator or a duty officer."""

from __future__ import annotations

import pytest

from console.core.roles import Role
from console.core.taxonomy import default_taxonomy
from console.gui.context import ConsoleContext
from console.gui.main_window import MainWindow
from console.gui.settings import ConsoleSettings
from console.storage.dispatch import DispatchService
from tests.widgets.admin_rig import TIMEOUT, close_rig, make_rig


def _menu_entry(window: MainWindow):
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    [entry] = menus["&Administration"].actions()
    return entry


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.DUTY, Role.ADMIN])
def test_the_entry_is_enabled_for_administrators_only(tmp_path, qtbot, role):
    rig = make_rig(tmp_path / "menu.db", role)  # its own desk is not used: the window makes one
    context = ConsoleContext(rig.store, DispatchService(rig.store, rig.clock).for_operator(role), rig.tasks,
                             default_taxonomy(), rig.clock, "主任 李晓东", "en", role=role)
    window = MainWindow(context, ConsoleSettings(tmp_path / "console.ini"), remember_layout=False)
    qtbot.addWidget(window)
    try:
        entry = _menu_entry(window)
        assert entry is window.admin.action and entry.isEnabled() is (role is Role.ADMIN)
        if role is Role.ADMIN:
            entry.trigger()
            qtbot.waitUntil(lambda: window.admin.user_model.rowCount() == 3, timeout=TIMEOUT)
            assert window.admin.window.isVisible() and window.admin.window.parent() is window
    finally:
        window.close()
        close_rig(rig)
