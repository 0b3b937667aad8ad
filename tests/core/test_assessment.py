"""The assessment rules: the shipped file, versions by month, clear errors, and scores worked by hand."""

from __future__ import annotations

import copy
import json

import pytest

from console.core.assessment import (DepartmentInputs, Month, RulesError, WorkerInputs, competition_ranks,
                                     load_rules, parse_rules, score_department, score_worker)
from console.resources import resource_path


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(resource_path("assessment_rules.json").read_text(encoding="utf-8"))


def test_the_shipped_rules_load_and_follow_the_articles_emphasis():
    rules = load_rules()
    for version in rules.versions:
        weights = version.worker.weights
        assert weights["reporting"] + weights["timeliness"] + weights["closure"] >= 0.75
        for category in ("A", "B"):
            d = version.department(category).weights
            assert d["timeliness"] + d["closure"] >= 0.75


def test_a_past_month_is_scored_with_the_rules_that_applied_then():
    rules = load_rules()
    assert rules.for_month(Month(2026, 6)).version == "2018-01"
    assert rules.for_month(Month(2026, 7)).version == "2026-07"
    assert rules.for_month(Month(2030, 1)).version == "2026-07"
    with pytest.raises(RulesError, match="no assessment rules apply to 2017-12"):
        rules.for_month(Month(2017, 12))


def test_a_rule_change_between_months_changes_only_the_later_months_score():
    rules = load_rules()
    figures = WorkerInputs(accepted_reports=50, dispatched=10, resolved=9, overdue=2, supervised=1,
                           days_in_post=30, days_in_month=30, days_patrolled=27)
    june = score_worker(figures, rules.for_month(Month(2026, 6)))
    july = score_worker(figures, rules.for_month(Month(2026, 7)))
    # 2018-01: 100 × (0.35 × 0.5 + 0.25 × 0.8 + 0.2 × 0.9 + 0.2 × 0.9) − 2 = 71.5
    assert june.total == 71.5 and june.grade == "pass" and june.version == "2018-01"
    # 2026-07: 100 × (0.3 × 0.5 + 0.3 × 0.8 + 0.2 × 0.9 + 0.2 × 0.9) − 3 = 72.0
    assert july.total == 72.0 and july.version == "2026-07"


def test_a_worker_in_post_half_the_month_has_half_the_report_target():
    rules = load_rules().for_month(Month(2026, 10))
    half = WorkerInputs(accepted_reports=50, dispatched=0, resolved=0, overdue=0, supervised=0,
                        days_in_post=15, days_in_month=30, days_patrolled=15)
    assert score_worker(half, rules).parts["reporting"] == 1.0
    assert score_worker(half, rules).total == 100.0 and score_worker(half, rules).grade == "excellent"


def test_department_categories_weigh_the_same_figures_differently():
    rules = load_rules().for_month(Month(2026, 10))
    figures = DepartmentInputs(received=20, accepted_in_time=10, closed=20, overdue=0, supervision_orders=0)
    # A: 100 × (0.45 × 0.5 + 0.35 + 0.2) = 77.5; B: 100 × (0.35 × 0.5 + 0.45 + 0.2) = 82.5
    assert score_department(figures, "A", rules).total == 77.5
    assert score_department(figures, "B", rules).total == 82.5
    assert score_department(figures, "?", rules).total == 82.5  # unknown category: scored as B


def test_supervision_orders_cost_points_but_never_below_zero():
    rules = load_rules().for_month(Month(2026, 10))
    bad = DepartmentInputs(received=4, accepted_in_time=0, closed=0, overdue=4, supervision_orders=4)
    assert score_department(bad, "A", rules).total == 0.0
    good = DepartmentInputs(received=4, accepted_in_time=4, closed=4, overdue=0, supervision_orders=1)
    assert score_department(good, "A", rules).total == 96.0


def test_ties_share_a_rank():
    assert competition_ranks([80.0, 95.5, 80.0, 60.0]) == [2, 1, 2, 4]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["versions"][0]["worker"]["weights"].update(reporting=0.5), "add up to 1.15, not 1"),
    (lambda d: d["versions"][1].update(effective_from="2026-13"), "effective_from: not a month"),
    (lambda d: d["versions"][1].update(effective_from="2018-01"), "both begin 2018-01"),
    (lambda d: d["versions"][0]["department"].pop("B"), "categories A, B"),
    (lambda d: d["versions"][0]["department"]["A"].update(accept_within_hours="4"),
     "department.A.accept_within_hours: missing or not a number"),
    (lambda d: d["versions"][0]["worker"].update(duty_hours=[17, 8]), "duty_hours"),
    (lambda d: d["versions"][0]["grades"].update(excellent=50), "grades must fall"),
    (lambda d: d.update(versions=[]), "non-empty list"),
])
def test_wrong_rules_are_refused_with_a_message_naming_the_field(shipped, change, message):
    data = copy.deepcopy(shipped)
    change(data)
    with pytest.raises(RulesError, match=message.replace("(", r"\(")):
        parse_rules(data)


def test_an_unreadable_rules_file_is_one_clear_error(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid JSON: line 1"):
        load_rules(path)
    with pytest.raises(RulesError, match="cannot read assessment rules"):
        load_rules(tmp_path / "missing.json")


def test_months_parse_and_step_back_over_a_year():
    assert str(Month.parse("2026-01").previous()) == "2025-12"
    for text in ("2026-1x", "26-01", "2026-00", "2026"):
        with pytest.raises(ValueError, match="not a month"):
            Month.parse(text)
