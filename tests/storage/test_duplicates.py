"""Likely duplicates: same sub-item, within 50 m, in the 24 hours before, still open; merging keeps both."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.core.workflow import RejectReason
from console.storage.dispatch import IncidentDraft
from console.storage.duplicates import likely_duplicates
from console.storage.models import AuditEntry

LON, LAT = 120.3, 30.1
M_LON = 1 / 96_350  # degrees of longitude per metre at 30.1° N


def _report(service, clock, hours_later: float, metres_east: float, subitem="ENV02", reporter="王小红") -> int:
    clock.set(clock.now() + timedelta(hours=hours_later))
    return service.report(IncidentDraft(subitem=subitem, title="排水沟堵塞", lon=LON + metres_east * M_LON, lat=LAT,
                                        reporter=reporter), "op")


def test_a_close_recent_open_report_of_the_same_kind_is_offered(service, store, clock):
    far_earlier = _report(service, clock, 0, 0)              # 26 h before the new report: too long ago
    first = _report(service, clock, 20, 10)                  # 6 h before, 20 m away: the one
    _other_kind = _report(service, clock, 1, 10, subitem="ENV01")
    _too_far = _report(service, clock, 1, 90)                # 80 m away
    closed = _report(service, clock, 1, 12)
    service.reject(closed, "op", RejectReason.INVALID)       # no longer open
    new = _report(service, clock, 3, 30, reporter="李建国")
    found = likely_duplicates(store, new)
    assert [c.id for c in found] == [first]
    assert 15 < found[0].distance_m < 25 and found[0].earlier_by == timedelta(hours=6)
    assert far_earlier not in [c.id for c in found]

    number = found[0].number
    service.reject(new, "op", RejectReason.DUPLICATE, duplicate_of=number)
    with store.sessions() as session:
        merged = session.scalars(select(AuditEntry.note).where(AuditEntry.incident_id == first)
                                 .order_by(AuditEntry.id)).all()
        own = session.scalars(select(AuditEntry.action).where(AuditEntry.incident_id == new)
                              .order_by(AuditEntry.id)).all()
    assert merged[-1].startswith("duplicate report ") and merged[-1].endswith("merged (reported by 李建国)")
    assert own == ["report", "reject"]  # the second report keeps its own timeline
