"""Photo blobs: files next to a SQLite database, rows in PostgreSQL; stored once, swept when nobody names them."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import delete, func, select

from console.storage.blobs import (BlobNotFound, DatabaseBlobStore, FileBlobStore, blob_directory, blob_store,
                                   sha256_of)
from console.storage.db import open_store
from console.storage.dispatch import IncidentDraft
from console.storage.models import Attachment, Blob, Incident

PHOTO = b"\xff\xd8\xff" + os.urandom(50_000)
OTHER = b"\x89PNG\r\n\x1a\n" + os.urandom(20_000)


def _attach(store, service, data: bytes, blobs) -> int:
    """A report whose one attachment names ``data`` in ``blobs``; returns the incident's id."""
    def also(session, incident):
        name = blobs.put(session, data)
        session.add(Attachment(incident_id=incident.id, filename="p.jpg", mime="image/jpeg",
                               created_at=incident.created_at, blob_sha256=name, size=len(data)))
    return service.report(IncidentDraft("DIS01", "邻里纠纷"), "王小红", also=also)


def test_the_backend_follows_the_store(store, backend, tmp_path):
    blobs = blob_store(store)
    if backend == "sqlite":
        assert isinstance(blobs, FileBlobStore)
        assert blobs.root == (tmp_path / "gridwatch.db.blobs").resolve() == blob_directory(store)
    else:
        assert isinstance(blobs, DatabaseBlobStore) and blob_directory(store) is None
    memory = open_store("sqlite://")
    try:
        assert isinstance(blob_store(memory), DatabaseBlobStore)
    finally:
        memory.dispose()


def test_photos_round_trip_and_the_same_photo_is_stored_once(store, service):
    blobs = blob_store(store)
    first, second, third = (_attach(store, service, data, blobs) for data in (PHOTO, PHOTO, OTHER))
    assert blobs.names() == {sha256_of(PHOTO), sha256_of(OTHER)}
    assert blobs.get(sha256_of(PHOTO)) == PHOTO and blobs.get(sha256_of(OTHER)) == OTHER
    with store.sessions() as session:
        named = dict(session.execute(select(Attachment.incident_id, Attachment.blob_sha256)).all())
    assert named == {first: sha256_of(PHOTO), second: sha256_of(PHOTO), third: sha256_of(OTHER)}
    with pytest.raises(BlobNotFound):
        blobs.get("0" * 64)
    if isinstance(blobs, FileBlobStore):
        path = blobs.path(sha256_of(PHOTO))
        assert path.relative_to(blobs.root).parts == (path.name[:2], path.name[2:4], path.name)
        assert not [p for p in blobs.files() if p.name.startswith(".tmp-")], "no temporary file is left"


def test_a_failed_transaction_leaves_no_row_and_at_most_an_orphan_file_the_sweep_removes(store, service):
    blobs = blob_store(store)
    kept = _attach(store, service, OTHER, blobs)
    with pytest.raises(RuntimeError), store.sessions.begin() as session:
        blobs.put(session, PHOTO)
        raise RuntimeError("the attachment's transaction fails after its photo was written")
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1
    if isinstance(blobs, FileBlobStore):
        orphan = blobs.path(sha256_of(PHOTO))
        assert orphan.exists(), "the file is written before the transaction commits"
        assert blobs.sweep() == 0, "a young orphan may still belong to a transaction in flight"
        stale = time.time() - 7_200
        os.utime(orphan, (stale, stale))
        os.utime(blobs.path(sha256_of(OTHER)), (stale, stale))
        assert blobs.sweep() == 1
        assert not orphan.exists()
    else:
        assert blobs.sweep() == 0, "the row went away with its transaction"
    assert blobs.names() == {sha256_of(OTHER)}
    assert blobs.get(sha256_of(OTHER)) == OTHER and kept


def test_a_deleted_incidents_photo_is_swept_unless_another_attachment_names_it(store, service):
    blobs = blob_store(store)
    gone = _attach(store, service, PHOTO, blobs)
    _attach(store, service, OTHER, blobs)
    _attach(store, service, OTHER, blobs)
    with store.sessions.begin() as session:
        session.execute(delete(Attachment).where(Attachment.incident_id == gone))
    assert blobs.sweep(grace_s=0) == 1
    assert blobs.names() == {sha256_of(OTHER)}
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 3


def test_postgresql_keeps_the_bytes_in_the_blobs_table_and_sqlite_in_files(store, backend, service):
    blobs = blob_store(store)
    _attach(store, service, PHOTO, blobs)
    with store.sessions() as session:
        row = session.get(Blob, sha256_of(PHOTO))
        if backend == "postgresql":
            assert (row.size, bytes(row.data)) == (len(PHOTO), PHOTO)
        else:
            assert row is None and blobs.path(sha256_of(PHOTO)).read_bytes() == PHOTO


def test_an_in_memory_store_keeps_blobs_in_its_table():
    store = open_store("sqlite://")
    try:
        blobs = blob_store(store)
        with store.sessions.begin() as session:
            name = blobs.put(session, PHOTO)
            blobs.put(session, PHOTO)
        assert blobs.get(name) == PHOTO and blobs.names() == {name}
        assert blobs.sweep() == 1, "nothing names it"
    finally:
        store.dispose()
