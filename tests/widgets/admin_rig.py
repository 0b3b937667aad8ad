"""A small store with users, a phone and a key, and the Administration desk on it, for the admin tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from console.core.clock import FakeClock
from console.core.roles import Role
from console.core.taxonomy import default_taxonomy
from console.gui.admin_desk import AdminDesk
from console.gui.context import ConsoleContext
from console.gui.taskman import TaskManager
from console.storage.api_keys import ApiKeyStore
from console.storage.db import Store, open_store
from console.storage.dispatch import DispatchService
from console.storage.operators import OperatorBook
from console.storage.positions import PositionStore
from tests.storage.conftest import START, seed_places

PASSWORD = "a long secret"
TIMEOUT = 10_000


@dataclass
class AdminRig:
    """The store, its books with full rights, the task manager and the desk of one logged-in role."""

    store: Store
    clock: FakeClock
    tasks: TaskManager
    users: OperatorBook
    keys: ApiKeyStore
    desk: AdminDesk
    host: QWidget


def make_rig(path, role: Role = Role.ADMIN) -> AdminRig:
    """Users lixd (admin), wangli (duty), zhanghua (operator); phone-1 of a worker; the Open311 key kiosk."""
    store = open_store(str(path))
    clock = FakeClock(START)
    places = seed_places(store)
    users = OperatorBook(store, clock)
    users.add("lixd", "admin", PASSWORD, display_name="主任 李晓东")
    users.add("wangli", "duty", PASSWORD, display_name="值班员 王丽")
    users.add("zhanghua", "operator", PASSWORD, display_name="操作员 张华")
    PositionStore(store, clock).add_device(places.workers[0], "phone-1")
    keys = ApiKeyStore(store, clock)
    keys.issue("open311", "kiosk")
    tasks = TaskManager()
    service = DispatchService(store, clock).for_operator(role)
    context = ConsoleContext(store, service, tasks, default_taxonomy(), clock, "主任 李晓东", "en", role=role)
    host = QWidget()  # stands in for the main window: the desk and its window are its children
    return AdminRig(store, clock, tasks, users, keys, AdminDesk(context, host), host)


def close_rig(rig: AdminRig) -> None:
    """Close the window and stop the task runner before the store goes."""
    if rig.desk.window is not None:
        rig.desk.window.close()
    rig.tasks.shutdown()
    shiboken6.delete(rig.host)
    rig.store.dispose()


@pytest.fixture
def rig(tmp_path):
    """An administrator's desk on a fresh small store (import it into a test module to use it)."""
    made = make_rig(tmp_path / "admin.db")
    yield made
    close_rig(made)
