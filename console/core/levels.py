"""The four difficulty levels: who handles an event and how long they have."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import Enum


class HandlingTier(str, Enum):
    """Who is responsible for an event of a given level."""

    GRID_WORKER = "grid_worker"      # handled on the spot by the grid worker
    VILLAGE = "village"              # the village or community committee
    TOWN = "town"                    # the town with its stationed departments
    JOINT_MEETING = "joint_meeting"  # several departments at once


@dataclass(frozen=True)
class LevelRule:
    """Handling deadline and tier of one difficulty level."""

    level: int
    tier: HandlingTier
    deadline: timedelta


DEFAULT_RULES = (
    LevelRule(1, HandlingTier.GRID_WORKER, timedelta(hours=24)),
    LevelRule(2, HandlingTier.VILLAGE, timedelta(hours=72)),
    LevelRule(3, HandlingTier.TOWN, timedelta(days=5)),
    LevelRule(4, HandlingTier.JOINT_MEETING, timedelta(days=10)),
)


@dataclass(frozen=True)
class DeadlinePolicy:
    """Per-level deadlines plus the grace period after which a supervision order is issued."""

    rules: tuple[LevelRule, ...] = DEFAULT_RULES
    supervision_grace: timedelta = timedelta(hours=24)
    one_key_deadline: timedelta = timedelta(hours=2)
    _by_level: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        levels = sorted(r.level for r in self.rules)
        if levels != [1, 2, 3, 4]:
            raise ValueError(f"deadline policy needs rules for levels 1-4, got {levels}")
        for rule in self.rules:
            if rule.deadline <= timedelta(0):
                raise ValueError(f"level {rule.level} deadline must be positive")
        if self.supervision_grace < timedelta(0):
            raise ValueError("supervision grace cannot be negative")
        if self.one_key_deadline <= timedelta(0):
            raise ValueError("one-key deadline must be positive")
        object.__setattr__(self, "_by_level", {r.level: r for r in self.rules})

    def rule(self, level: int) -> LevelRule:
        try:
            return self._by_level[level]
        except KeyError:
            raise ValueError(f"difficulty level must be 1-4, not {level!r}") from None

    def deadline_for(self, level: int, one_key: bool = False) -> timedelta:
        if one_key:
            return min(self.one_key_deadline, self.rule(level).deadline)
        return self.rule(level).deadline

    def with_deadline(self, level: int, deadline: timedelta) -> "DeadlinePolicy":
        self.rule(level)  # an unknown level is an error, not a silent no-op
        rules = tuple(replace(r, deadline=deadline) if r.level == level else r for r in self.rules)
        return replace(self, rules=rules)
