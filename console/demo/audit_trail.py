"""The audit trail of the demo history, expanded inside the database.

Writing five or six audit rows per incident through ``executemany`` would cost
more than the incident itself; instead the writer fills a temporary table of
*timelines* — each incident's facts and the times of its steps — and one
``INSERT … SELECT`` per slice of ids derives the audit entries from them, with
the same actors, notes and statuses :class:`~console.storage.dispatch.DispatchService`
records for each step:

* report — the reporting worker (worker app, one-key) or the operator on shift,
  note ``"<source>: <title>"``;
* accept / reject, assign, close, acknowledge alarm — the operator on shift
  (three local 8-hour shifts), with the service's notes (``"to …"``,
  ``"joint meeting: …"``, ``"duplicate of …"``, ``"invalid"``);
* start and resolve — the assignee (the lead department of a joint meeting),
  the resolve note being the feedback;
* remind — ``system``, ``"deadline … UTC passed"``.

Supervision orders and their ``supervise`` entries are written separately,
once all orders are numbered.
"""

from __future__ import annotations

from console.demo.history import TIMELINE_COLUMNS, placeholders

#: The temporary table of timelines, one row per incident.
CREATE_TIMELINES = ("CREATE TEMP TABLE demo_timeline (" + ", ".join(
    f"{c} INTEGER PRIMARY KEY" if c == "id" else c for c in TIMELINE_COLUMNS) + ")")
INSERT_TIMELINE = (f"INSERT INTO temp.demo_timeline ({', '.join(TIMELINE_COLUMNS)}) "
                   f"VALUES ({placeholders(TIMELINE_COLUMNS)})")

#: The steps of a timeline, in the order they are written, and when each happened (NULL: not yet).
STEPS = (
    ("report", "t.created_at"),
    ("accept or reject", "t.decided_at"),
    ("assign", "t.assigned_at"),
    ("start", "t.started_at"),
    ("resolve", "t.resolved_at"),
    ("close", "t.closed_at"),
    ("remind", "t.reminded_at"),
    ("acknowledge alarm", "t.alarm_acknowledged_at"),
)
CREATE_STEP_KINDS = "CREATE TEMP TABLE demo_step_kinds (step INTEGER PRIMARY KEY)"
INSERT_STEP_KIND = "INSERT INTO temp.demo_step_kinds VALUES (?)"

_AT = "CASE k.step " + " ".join(f"WHEN {n} THEN {col}" for n, (_, col) in enumerate(STEPS)) + " END"
_OPERATOR_ON_SHIFT = (f"CASE ((({_AT}) + 28800) % 86400) / 28800 "
                      "WHEN 0 THEN :shift0 WHEN 1 THEN :shift1 ELSE :shift2 END")
_HANDLER = ("CASE WHEN t.joint_meeting THEN substr(t.assignee_text, 1, instr(t.assignee_text, '、') - 1) "
            "ELSE t.assignee_text END")

#: The audit entries of the timelines with ids :first..:last; :shift0..2 name the operators on the
#: 00-08, 08-16 and 16-24 (local time) shifts.
EXPAND_AUDIT = f"""
INSERT INTO audit_entries (incident_id, at, actor, action, from_status, to_status, note)
SELECT t.id, {_AT},
    CASE k.step
        WHEN 0 THEN CASE WHEN t.source IN ('worker_app', 'one_key') THEN t.reporter ELSE {_OPERATOR_ON_SHIFT} END
        WHEN 3 THEN {_HANDLER}
        WHEN 4 THEN {_HANDLER}
        WHEN 6 THEN 'system'
        ELSE {_OPERATOR_ON_SHIFT} END,
    CASE k.step
        WHEN 0 THEN 'report'
        WHEN 1 THEN CASE WHEN t.reject_reason IS NULL THEN 'accept' ELSE 'reject' END
        WHEN 2 THEN 'assign' WHEN 3 THEN 'start' WHEN 4 THEN 'resolve' WHEN 5 THEN 'close'
        WHEN 6 THEN 'remind' ELSE 'acknowledge_alarm' END,
    CASE k.step
        WHEN 1 THEN 'reported' WHEN 2 THEN 'accepted' WHEN 3 THEN 'dispatched'
        WHEN 4 THEN CASE WHEN t.started_at IS NULL THEN 'dispatched' ELSE 'in_progress' END
        WHEN 5 THEN 'resolved' END,
    CASE k.step
        WHEN 0 THEN 'reported'
        WHEN 1 THEN CASE WHEN t.reject_reason IS NULL THEN 'accepted' ELSE 'rejected' END
        WHEN 2 THEN 'dispatched' WHEN 3 THEN 'in_progress' WHEN 4 THEN 'resolved' WHEN 5 THEN 'closed' END,
    CASE k.step
        WHEN 0 THEN t.source || ': ' || t.title
        WHEN 1 THEN CASE
            WHEN t.reject_reason = 'duplicate'
                THEN 'duplicate of ' || (SELECT d.number FROM temp.demo_timeline d WHERE d.id = t.duplicate_of_id)
            WHEN t.reject_reason IS NOT NULL THEN 'invalid'
            WHEN t.reported_level != t.level THEN '重新定级为' || t.level || '级'
            ELSE '' END
        WHEN 2 THEN CASE WHEN t.joint_meeting THEN 'joint meeting: ' || replace(t.assignee_text, '、', ', ')
                         ELSE 'to ' || t.assignee_text END
        WHEN 4 THEN t.feedback
        WHEN 6 THEN 'deadline ' || strftime('%Y-%m-%d %H:%M', t.deadline_at, 'unixepoch') || ' UTC passed'
        ELSE '' END
FROM temp.demo_timeline t CROSS JOIN temp.demo_step_kinds k
WHERE t.id BETWEEN :first AND :last AND ({_AT}) IS NOT NULL
"""

#: The ``supervise`` entries of all supervision orders (written after the orders are numbered).
SUPERVISE_ENTRIES = ("INSERT INTO audit_entries (incident_id, at, actor, action, from_status, to_status, note) "
                     "SELECT incident_id, issued_at, issued_by, 'supervise', NULL, NULL, "
                     "'supervision order ' || number || ' to ' || assignee_text "
                     "FROM supervision_orders ORDER BY issued_at, id")
