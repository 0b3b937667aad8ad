"""Shared bits of the widget tests: canned dialog answers and SQL counts."""

from __future__ import annotations

from sqlalchemy import text

from console.core.workflow import OPEN_STATUSES

OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))
OPEN_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN) + ")"


def sql_count(store, where: str = "1", **params) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM incidents WHERE {where}"), params).scalar_one()


def sql_scalar(store, sql: str, **params):
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


class FakeDialogs:
    """Answers the action dialogs at once, and records what was shown."""

    def __init__(self):
        self.answers: dict[str, object] = {}
        self.asked: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def _ask(self, what, target):
        self.asked.append(what)
        return self.answers.get(what)

    def reject(self, parent, target):
        return self._ask("reject", target)

    def assign(self, parent, target):
        return self._ask("assign", target)

    def resolve(self, parent, target):
        return self._ask("resolve", target)

    def reopen(self, parent, target):
        return self._ask("reopen", target)

    def show_error(self, parent, title, message):
        self.errors.append((title, message))
