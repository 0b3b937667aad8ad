"""Audit notes as the operator reads them: the service's fixed phrases in the interface language.

The audit trail stores its notes in one canonical, language-neutral form
(the record must not change with the reader's language):
``"<source>: <title>"`` for a report, ``"to A, B"`` / ``"joint meeting: A, B"``
for an assignment, ``"duplicate of N"`` / ``"invalid"`` for a rejection,
``"deadline YYYY-MM-DD HH:MM UTC passed"`` for a reminder and
``"supervision order N to A"`` for a supervision order, ``"duplicate report N merged (reported by R)"``
for a merged duplicate, each optionally
followed by ``"; "`` and the operator's own words.  Anything else (feedback,
free notes) is shown as it was written.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from PySide6.QtCore import QCoreApplication

from console.core.workflow import Action, Source
from widgets import labels

translate = QCoreApplication.translate

_REPORT = re.compile(r"^(?P<source>[a-z_]+): (?P<title>.*)$", re.S)
_ASSIGN = re.compile(r"^(?P<kind>to|joint meeting:) (?P<names>[^;]*)(?:; (?P<note>.*))?$", re.S)
_REJECT = re.compile(r"^(?:duplicate of (?P<number>[^;]+)|invalid)(?:; (?P<note>.*))?$", re.S)
_REMIND = re.compile(r"^deadline (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC passed$")
_SUPERVISE = re.compile(r"^supervision order (?P<number>\S+) to (?P<names>.*)$", re.S)
_MERGED = re.compile(r"^duplicate report (?P<number>\S+) merged(?: \(reported by (?P<reporter>.*)\))?$", re.S)


def _with_note(text: str, note: str | None) -> str:
    return f"{text}; {note}" if note else text


def note_text(action: Action | str, note: str) -> str:
    """``note`` of a step of kind ``action`` in the interface language (unknown forms unchanged)."""
    try:
        action = Action(action)
    except ValueError:
        return note
    if action is Action.REPORT and (m := _REPORT.match(note)):
        try:
            source = labels.source_name(Source(m["source"]))
        except ValueError:
            return note
        return translate("AuditNote", "%1: %2").replace("%1", source).replace("%2", m["title"])
    if action is Action.ASSIGN and (m := _ASSIGN.match(note)):
        if m["kind"] == "to":
            template = translate("AuditNote", "to %1")
        else:
            template = translate("AuditNote", "joint meeting: %1")
        return _with_note(template.replace("%1", m["names"]), m["note"])
    if action is Action.REJECT and (m := _REJECT.match(note)):
        text = (translate("AuditNote", "duplicate of %1").replace("%1", m["number"]) if m["number"]
                else labels.reject_reason_name("invalid"))
        return _with_note(text, m["note"])
    if action is Action.REMIND and (m := _REMIND.match(note)):
        deadline = datetime.strptime(m["when"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
        return translate("AuditNote", "deadline %1 passed").replace("%1", labels.format_datetime(deadline))
    if action is Action.COMMENT and (m := _MERGED.match(note)):
        if m["reporter"]:
            return (translate("AuditNote", "duplicate report %1 merged (reported by %2)")
                    .replace("%1", m["number"]).replace("%2", m["reporter"]))
        return translate("AuditNote", "duplicate report %1 merged").replace("%1", m["number"])
    if action is Action.SUPERVISE and (m := _SUPERVISE.match(note)):
        return (translate("AuditNote", "supervision order %1 to %2")
                .replace("%1", m["number"]).replace("%2", m["names"]))
    return note
