"""The red-light rule for villages: most events unresolved lights a village red; red too long asks for a call.

From the Shaoxing command rooms: a village with 80 % or more of its events still
unresolved lights red on the town map; if it is still red two hours later, staff
phone or message the village.  :class:`RedLightBoard` keeps, per village, since
when it has been red, and hands out one :class:`FollowUp` per red spell once the
spell reaches :attr:`RedLightPolicy.follow_up_after`.  Which events count (today's,
the last 30 days', ...) is the caller's choice: it passes the counts in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from console.core.clock import Clock


@dataclass(frozen=True)
class RedLightPolicy:
    """The unresolved share that lights a village red, and how long red lasts before a follow-up."""

    threshold: float = 0.8
    follow_up_after: timedelta = timedelta(hours=2)
    min_events: int = 1


@dataclass(frozen=True)
class VillageCounts:
    """A village's events: how many in all, how many not yet resolved."""

    total: int
    unresolved: int

    @property
    def unresolved_share(self) -> float:
        return self.unresolved / self.total if self.total else 0.0


@dataclass(frozen=True)
class FollowUp:
    """A task for the operator: phone the village, red since ``red_since``, due at ``due_at``."""

    village_id: int
    red_since: datetime
    due_at: datetime
    unresolved_share: float

    def describe(self) -> str:
        return (f"phone the village: {self.unresolved_share:.0%} of its events unresolved, "
                f"red since {self.red_since:%H:%M} UTC")


@dataclass
class RedLightUpdate:
    """What one :meth:`RedLightBoard.update` found."""

    red: set[int] = field(default_factory=set)
    newly_red: set[int] = field(default_factory=set)
    cleared: set[int] = field(default_factory=set)
    follow_ups: list[FollowUp] = field(default_factory=list)


class RedLightBoard:
    """Red villages over time; call :meth:`update` with fresh counts whenever they change or a minute passes."""

    def __init__(self, clock: Clock, policy: RedLightPolicy = RedLightPolicy()):
        self.clock = clock
        self.policy = policy
        self._red_since: dict[int, datetime] = {}
        self._followed_up: set[int] = set()

    def is_red(self, counts: VillageCounts) -> bool:
        """The rule itself: enough events and at least ``threshold`` of them unresolved."""
        return counts.total >= self.policy.min_events and counts.unresolved_share >= self.policy.threshold

    def update(self, counts: Mapping[int, VillageCounts]) -> RedLightUpdate:
        """Take every village's counts now; villages left out count as having no events."""
        now = self.clock.now()
        result = RedLightUpdate()
        for village_id, village_counts in counts.items():
            if self.is_red(village_counts):
                result.red.add(village_id)
                if village_id not in self._red_since:
                    self._red_since[village_id] = now
                    result.newly_red.add(village_id)
        for village_id in list(self._red_since):
            if village_id not in result.red:
                del self._red_since[village_id]
                self._followed_up.discard(village_id)
                result.cleared.add(village_id)
        for village_id in sorted(result.red - self._followed_up):
            since = self._red_since[village_id]
            if now - since >= self.policy.follow_up_after:
                self._followed_up.add(village_id)
                result.follow_ups.append(FollowUp(village_id, since, since + self.policy.follow_up_after,
                                                  counts[village_id].unresolved_share))
        return result

    def red_since(self) -> dict[int, datetime]:
        """The red villages and since when each has been red."""
        return dict(self._red_since)
