"""Translated display names for the workflow's vocabulary, and time formatting.

Source strings are English; every name goes through
:func:`QCoreApplication.translate` with a context per kind of name, so the
Chinese (zh_CN) and English translation files can be produced by
``pyside6-lupdate`` from this module.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.core.levels import DEFAULT_RULES, HandlingTier
from console.core.patrol import WorkerState
from console.core.workflow import Action, RejectReason, Source, Status
from video.capture import CaptureState

_STATUS = {
    Status.REPORTED: QT_TRANSLATE_NOOP("Status", "Reported"),
    Status.ACCEPTED: QT_TRANSLATE_NOOP("Status", "Accepted"),
    Status.REJECTED: QT_TRANSLATE_NOOP("Status", "Rejected"),
    Status.DISPATCHED: QT_TRANSLATE_NOOP("Status", "Dispatched"),
    Status.IN_PROGRESS: QT_TRANSLATE_NOOP("Status", "In progress"),
    Status.RESOLVED: QT_TRANSLATE_NOOP("Status", "Resolved"),
    Status.CLOSED: QT_TRANSLATE_NOOP("Status", "Closed"),
    Status.REOPENED: QT_TRANSLATE_NOOP("Status", "Reopened"),
}

# Timeline wording: what happened, not what to do.
_ACTION = {
    Action.REPORT: QT_TRANSLATE_NOOP("Action", "Reported"),
    Action.ACCEPT: QT_TRANSLATE_NOOP("Action", "Accepted"),
    Action.REJECT: QT_TRANSLATE_NOOP("Action", "Rejected"),
    Action.ASSIGN: QT_TRANSLATE_NOOP("Action", "Assigned"),
    Action.START: QT_TRANSLATE_NOOP("Action", "Started"),
    Action.RESOLVE: QT_TRANSLATE_NOOP("Action", "Resolved"),
    Action.CLOSE: QT_TRANSLATE_NOOP("Action", "Verified and closed"),
    Action.REOPEN: QT_TRANSLATE_NOOP("Action", "Reopened"),
    Action.REMIND: QT_TRANSLATE_NOOP("Action", "Overdue reminder"),
    Action.SUPERVISE: QT_TRANSLATE_NOOP("Action", "Supervision order"),
    Action.ACKNOWLEDGE_ALARM: QT_TRANSLATE_NOOP("Action", "Alarm acknowledged"),
    Action.COMMENT: QT_TRANSLATE_NOOP("Action", "Comment"),
}

_SOURCE = {
    Source.WORKER_APP: QT_TRANSLATE_NOOP("Source", "Grid worker app"),
    Source.ONE_KEY: QT_TRANSLATE_NOOP("Source", "One-key report"),
    Source.CAMERA: QT_TRANSLATE_NOOP("Source", "Camera"),
    Source.CITIZEN: QT_TRANSLATE_NOOP("Source", "Citizen"),
    Source.OPERATOR: QT_TRANSLATE_NOOP("Source", "Operator"),
}

_TIER = {
    HandlingTier.GRID_WORKER: QT_TRANSLATE_NOOP("Level", "Grid worker"),
    HandlingTier.VILLAGE: QT_TRANSLATE_NOOP("Level", "Village"),
    HandlingTier.TOWN: QT_TRANSLATE_NOOP("Level", "Town"),
    HandlingTier.JOINT_MEETING: QT_TRANSLATE_NOOP("Level", "Joint meeting"),
}

_CAPTURE_STATE = {
    CaptureState.LIVE: QT_TRANSLATE_NOOP("CameraState", "live"),
    CaptureState.CONNECTING: QT_TRANSLATE_NOOP("CameraState", "connecting"),
    CaptureState.STALLED: QT_TRANSLATE_NOOP("CameraState", "stalled"),
    CaptureState.OFFLINE: QT_TRANSLATE_NOOP("CameraState", "offline"),
    CaptureState.PAUSED: QT_TRANSLATE_NOOP("CameraState", "paused (not shown)"),
    CaptureState.STOPPED: QT_TRANSLATE_NOOP("CameraState", "stopped"),
}

_WORKER_STATE = {
    WorkerState.PATROLLING: QT_TRANSLATE_NOOP("WorkerState", "patrolling"),
    WorkerState.IDLE: QT_TRANSLATE_NOOP("WorkerState", "idle"),
    WorkerState.HANDLING: QT_TRANSLATE_NOOP("WorkerState", "handling an incident"),
    WorkerState.OFFLINE: QT_TRANSLATE_NOOP("WorkerState", "offline"),
}
_REJECT = {
    RejectReason.INVALID: QT_TRANSLATE_NOOP("RejectReason", "Invalid report"),
    RejectReason.DUPLICATE: QT_TRANSLATE_NOOP("RejectReason", "Duplicate"),
}

_TIER_OF_LEVEL = {rule.level: rule.tier for rule in DEFAULT_RULES}


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def _lookup(table: dict, enum, context: str, value) -> str:
    try:
        return _tr(context, table[enum(value)])
    except ValueError:
        return str(value)


def status_name(status: Status | str) -> str:
    return _lookup(_STATUS, Status, "Status", status)


def action_name(action: Action | str) -> str:
    """The timeline's name of a recorded step ("Assigned", "Supervision order", ...)."""
    return _lookup(_ACTION, Action, "Action", action)


def source_name(source: Source | str) -> str:
    return _lookup(_SOURCE, Source, "Source", source)


def tier_name(tier: HandlingTier | str) -> str:
    return _lookup(_TIER, HandlingTier, "Level", tier)


def level_name(level: int) -> str:
    """A difficulty level with the tier that handles it, e.g. "3 · Town"."""
    tier = _TIER_OF_LEVEL.get(level)
    if tier is None:
        return str(level)
    return QCoreApplication.translate("Level", "%1 · %2").replace("%1", str(level)).replace("%2", tier_name(tier))


def capture_state_name(state: CaptureState | str) -> str:
    """A camera's capture state, as the camera list shows it."""
    return _lookup(_CAPTURE_STATE, CaptureState, "CameraState", state)


def worker_state_name(state: WorkerState | str) -> str:
    return _lookup(_WORKER_STATE, WorkerState, "WorkerState", state)


def reject_reason_name(reason: RejectReason | str) -> str:
    return _lookup(_REJECT, RejectReason, "RejectReason", reason)


# -- time -------------------------------------------------------------------------------------

def local_time(when: datetime | int | float) -> datetime:
    """An aware datetime or epoch seconds, in the workstation's local time zone."""
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(when, timezone.utc)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone()


def format_datetime(when: datetime | int | float | None, *, seconds: bool = False) -> str:
    """Local date and time, ``2026-11-29 14:05`` (or with seconds); empty for None."""
    if when is None:
        return ""
    return local_time(when).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_short_datetime(when: datetime | int | float) -> str:
    """Local month, day and time for the queue, ``11-29 14:05``."""
    return local_time(when).strftime("%m-%d %H:%M")


def format_duration(seconds: float) -> str:
    """A duration in its two largest units: ``3d 4h``, ``2h 13m``, ``13m 05s``, ``42s``."""
    total = int(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("Duration", "%1d %2h").replace("%1", str(days)).replace("%2", str(hours))
    if hours:
        return QCoreApplication.translate("Duration", "%1h %2m").replace("%1", str(hours)).replace("%2", str(minutes))
    if minutes:
        text = QCoreApplication.translate("Duration", "%1m %2s")
        return text.replace("%1", str(minutes)).replace("%2", f"{secs:02d}")
    return QCoreApplication.translate("Duration", "%1s").replace("%1", str(secs))


def format_percent(share: float | None) -> str:
    """A share as a percentage with one decimal, ``99.6 %``; ``—`` when there is none (nothing to divide)."""
    return "—" if share is None else f"{share * 100:.1f} %"


def format_figure_duration(seconds: float | None) -> str:
    """A figure's duration (:func:`format_duration`), or ``—`` when there is none (e.g. nothing was closed)."""
    return "—" if seconds is None else format_duration(seconds)


def format_time_left(deadline: datetime | int, now: datetime | int) -> str:
    """The live countdown of an open incident: ``2h 13m`` or ``overdue 3h 05m``."""
    if isinstance(deadline, datetime):
        deadline = deadline.timestamp()
    if isinstance(now, datetime):
        now = now.timestamp()
    left = deadline - now
    if left >= 0:
        return format_duration(left)
    return QCoreApplication.translate("Duration", "overdue %1").replace("%1", format_duration(-left))


def format_count(n: int) -> str:
    """A count with thousands separators, as both the Chinese and English UIs write it."""
    return f"{n:,}"
