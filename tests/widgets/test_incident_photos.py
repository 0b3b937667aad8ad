"""A worker's reported photos in the detail pane: their stored thumbnails, and each one opened full size."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QToolButton

from console.core.workflow import Source
from console.storage.blobs import blob_store
from console.storage.dispatch import IncidentDraft
from console.storage.photos import attach, prepare
from widgets.incident_detail import IncidentDetailPane

TIMEOUT = 10_000


def _photo(kind: str, width: int, height: int) -> bytes:
    image = np.full((height, width, 3), (30, 120, 200), np.uint8)
    cv2.rectangle(image, (10, 10), (width // 2, height // 2), (255, 255, 255), -1)
    return cv2.imencode(f".{kind}", image)[1].tobytes()


def _report_with_photos(db, photos: list[tuple[str, bytes]]) -> int:
    prepared = [prepare(n, name, data) for n, (name, data) in enumerate(photos, 1)]
    blobs = blob_store(db.store)
    return db.service.report(
        IncidentDraft("ENV01", "河边建筑垃圾", "堆了一周", Source.WORKER_APP, grid_id=5, lon=120.35,
                      lat=30.12, reporter="王芳"), "王芳",
        also=lambda session, incident: attach(session, incident, prepared, blobs, incident.created_at))


def test_the_pane_draws_stored_thumbnails_and_opens_each_photo_full_size(qtbot, small_db, tasks):
    incident_id = _report_with_photos(small_db, [("river.jpg", _photo("jpg", 600, 400)),
                                                 ("bank.png", _photo("png", 300, 480))])
    pane = IncidentDetailPane(tasks, small_db.service, "en")
    qtbot.addWidget(pane)
    pane.resize(520, 900)
    pane.show()
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_incident(incident_id)

    photos = pane.detail().photos
    assert [p.filename for p in photos] == ["river.jpg", "bank.png"]
    assert all(p.image is None for p in photos), "the full photos are not read to draw thumbnails"
    assert [p.thumbnail.size() for p in photos] == [QSize(96, 64), QSize(60, 96)]
    buttons = pane.photos.findChildren(QToolButton)
    assert [b.toolTip() for b in buttons] == ["river.jpg", "bank.png"]
    assert all(not b.icon().isNull() for b in buttons)

    for button, size in zip(buttons, (QSize(600, 400), QSize(300, 480))):
        with qtbot.waitSignal(pane.photo_opened, timeout=TIMEOUT) as opened:
            button.click()
        assert opened.args == [button.toolTip()]
        assert pane.photo_dialog.isVisible() and pane.photo_dialog.windowTitle() == button.toolTip()
        assert pane.photo_dialog.image_label.pixmap().size() == size
        pane.photo_dialog.close()


def test_a_photo_missing_from_the_blob_store_is_reported_in_the_pane(qtbot, small_db, tasks):
    incident_id = _report_with_photos(small_db, [("river.jpg", _photo("jpg", 200, 100))])
    for path in blob_store(small_db.store).files():
        path.unlink()
    pane = IncidentDetailPane(tasks, small_db.service, "en")
    qtbot.addWidget(pane)
    pane.show()
    with qtbot.waitSignal(pane.loaded, timeout=TIMEOUT):
        pane.show_incident(incident_id)
    pane.photos.findChildren(QToolButton)[0].click()
    qtbot.waitUntil(lambda: pane.photo_error.isVisible(), timeout=TIMEOUT)
    assert pane.photo_error.text().startswith("Cannot open river.jpg:")
    assert pane.photo_dialog is None
