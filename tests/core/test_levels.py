"""Difficulty levels: who handles an event and how long they have."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.core.levels import DEFAULT_RULES, DeadlinePolicy, HandlingTier, LevelRule

H = timedelta(hours=1)


def test_default_deadlines_per_level():
    policy = DeadlinePolicy()
    assert [policy.deadline_for(level) for level in (1, 2, 3, 4)] == [24 * H, 72 * H, 5 * 24 * H, 10 * 24 * H]
    assert [policy.rule(level).tier for level in (1, 2, 3, 4)] == [
        HandlingTier.GRID_WORKER, HandlingTier.VILLAGE, HandlingTier.TOWN, HandlingTier.JOINT_MEETING]
    assert policy.supervision_grace == 24 * H


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_one_key_report_gets_the_short_deadline_whatever_its_level(level):
    assert DeadlinePolicy().deadline_for(level, one_key=True) == 2 * H


def test_one_key_deadline_never_exceeds_the_level_deadline():
    policy = DeadlinePolicy(one_key_deadline=48 * H)
    assert policy.deadline_for(1, one_key=True) == 24 * H
    assert policy.deadline_for(2, one_key=True) == 48 * H


@pytest.mark.parametrize("level", [0, 5, -1, None, "1"])
def test_unknown_level_is_refused(level):
    with pytest.raises(ValueError, match="1-4"):
        DeadlinePolicy().deadline_for(level)


def _rules(**deadlines):
    return tuple(LevelRule(r.level, r.tier, deadlines.get(f"l{r.level}", r.deadline)) for r in DEFAULT_RULES)


INVALID = {
    "missing level 4": dict(rules=DEFAULT_RULES[:3]),
    "level 2 twice": dict(rules=(DEFAULT_RULES[0], DEFAULT_RULES[1], DEFAULT_RULES[1], DEFAULT_RULES[3])),
    "level 5 instead of 4": dict(rules=DEFAULT_RULES[:3] + (LevelRule(5, HandlingTier.TOWN, H),)),
    "zero deadline": dict(rules=_rules(l2=timedelta(0))),
    "negative deadline": dict(rules=_rules(l3=-H)),
    "negative grace": dict(supervision_grace=-H),
    "zero one-key deadline": dict(one_key_deadline=timedelta(0)),
    "negative one-key deadline": dict(one_key_deadline=-H),
}


@pytest.mark.parametrize("kwargs", INVALID.values(), ids=INVALID.keys())
def test_invalid_policy_is_refused(kwargs):
    with pytest.raises(ValueError):
        DeadlinePolicy(**kwargs)


def test_zero_grace_is_allowed():
    assert DeadlinePolicy(supervision_grace=timedelta(0)).supervision_grace == timedelta(0)


def test_with_deadline_changes_one_level_and_leaves_the_original_alone():
    policy = DeadlinePolicy()
    shorter = policy.with_deadline(3, 6 * H)
    assert shorter.deadline_for(3) == 6 * H
    assert [shorter.deadline_for(level) for level in (1, 2, 4)] == [24 * H, 72 * H, 240 * H]
    assert policy.deadline_for(3) == 120 * H
    assert shorter.rule(3).tier is HandlingTier.TOWN


def test_with_deadline_validates():
    with pytest.raises(ValueError):
        DeadlinePolicy().with_deadline(2, timedelta(0))
    with pytest.raises(ValueError, match="1-4"):
        DeadlinePolicy().with_deadline(7, H)
