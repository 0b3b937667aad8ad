"""The monthly assessment (考核): versioned scoring rules and the pure functions from figures to a score.

The rules live in ``resources/assessment_rules.json`` (:func:`load_rules`).  Each version applies from its
``effective_from`` month on; a month is scored with the newest version that had begun by then
(:meth:`AssessmentRules.for_month`), so changing the rules never changes a past month's scores.

A score is out of 100 points: each part's sub-score (a share between 0 and 1) times its weight, the weights
of a side adding up to 1, minus a penalty per supervision order, never below 0.

Worker parts (default emphasis of the article: reporting activity, timeliness, closure, and patrol):

* *reporting*: accepted reports ÷ the month's target, pro-rated to the days the worker was in post, at most 1;
* *timeliness*: 1 − overdue ÷ incidents dispatched to them (1 when none were);
* *closure*: of the incidents dispatched to them, the share resolved (1 when none were);
* *patrol*: days with at least ``min_patrol_minutes_per_day`` of patrol ÷ days in post.

Department parts, weighted per assessment category (A or B, ``departments.assessment``):

* *timeliness*: incidents accepted in time (started within ``accept_within_hours`` of dispatch) ÷ received;
* *closure*: closed ÷ received;  *overdue*: 1 − overdue ÷ received (each 1 when nothing was received).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from console.resources import resource_path

WORKER_PARTS = ("reporting", "timeliness", "closure", "patrol")
DEPARTMENT_PARTS = ("timeliness", "closure", "overdue")
CATEGORIES = ("A", "B")
GRADES = ("excellent", "good", "pass", "fail")


class RulesError(ValueError):
    """The rules file is unreadable or wrong; the message names the version and the field."""


@dataclass(frozen=True)
class Month:
    """A calendar month, ``YYYY-MM``, ordered in time."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        parts = str(text).strip().split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(year, month)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __lt__(self, other: "Month") -> bool:
        return (self.year, self.month) < (other.year, other.month)

    def __le__(self, other: "Month") -> bool:
        return (self.year, self.month) <= (other.year, other.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class WorkerRules:
    """How a grid worker's month is scored."""

    weights: dict[str, float]
    reports_per_month: float
    min_patrol_minutes_per_day: float
    duty_hours: tuple[int, int]
    supervision_penalty: float


@dataclass(frozen=True)
class DepartmentRules:
    """How a stationed department of one assessment category (A or B) is scored."""

    weights: dict[str, float]
    accept_within_hours: float
    supervision_penalty: float


@dataclass(frozen=True)
class RuleVersion:
    """One version of the rules, applying from ``effective_from`` until the next version begins."""

    version: str
    effective_from: Month
    grades: dict[str, float]
    worker: WorkerRules
    departments: dict[str, DepartmentRules]

    def department(self, category: str) -> DepartmentRules:
        """The rules of a category; an unknown category is scored as B (the milder one)."""
        return self.departments.get(category, self.departments["B"])

    def grade(self, score: float) -> str:
        for name in GRADES[:-1]:
            if score >= self.grades[name]:
                return name
        return GRADES[-1]


@dataclass(frozen=True)
class AssessmentRules:
    """Every version of the rules, oldest first."""

    versions: tuple[RuleVersion, ...]

    def for_month(self, month: Month) -> RuleVersion:
        """The version that applied in ``month``."""
        applying = [v for v in self.versions if v.effective_from <= month]
        if not applying:
            raise RulesError(f"no assessment rules apply to {month}: the first version begins "
                             f"{self.versions[0].effective_from}")
        return applying[-1]


def load_rules(path: Path | str | None = None) -> AssessmentRules:
    """Read and check a rules file (default: the shipped ``assessment_rules.json``)."""
    path = Path(path) if path is not None else resource_path("assessment_rules.json")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read assessment rules {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise RulesError(f"assessment rules {path} are not valid JSON: line {exc.lineno}: {exc.msg}") from None
    return parse_rules(data)


def parse_rules(data) -> AssessmentRules:
    """Check the rules' structure and values and build them; :class:`RulesError` names what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list) or not data["versions"]:
        raise RulesError("assessment rules need a non-empty list \"versions\"")
    versions = [_version(raw, k) for k, raw in enumerate(data["versions"])]
    versions.sort(key=lambda v: (v.effective_from.year, v.effective_from.month))
    for a, b in zip(versions, versions[1:]):
        if a.effective_from == b.effective_from:
            raise RulesError(f"versions {a.version!r} and {b.version!r} both begin {a.effective_from}")
    return AssessmentRules(tuple(versions))


def _version(raw, index: int) -> RuleVersion:
    if not isinstance(raw, dict):
        raise RulesError(f"version {index + 1}: not an object")
    name = str(raw.get("version", index + 1))
    where = f"version {name!r}"
    try:
        start = Month.parse(raw.get("effective_from", ""))
    except ValueError as exc:
        raise RulesError(f"{where}: effective_from: {exc}") from None
    grades = raw.get("grades", {})
    if not isinstance(grades, dict) or set(grades) != set(GRADES[:-1]):
        raise RulesError(f"{where}: grades need exactly {', '.join(GRADES[:-1])}")
    grade_values = [_number(grades[g], f"{where}: grades.{g}", 0, 100) for g in GRADES[:-1]]
    if grade_values != sorted(grade_values, reverse=True):
        raise RulesError(f"{where}: grades must fall from excellent to pass")
    w = _object(raw.get("worker"), f"{where}: worker")
    duty = w.get("duty_hours")
    if not (isinstance(duty, list) and len(duty) == 2 and all(isinstance(h, int) for h in duty)
            and 0 <= duty[0] < duty[1] <= 24):
        raise RulesError(f"{where}: worker.duty_hours must be [start, end] hours, 0-24, start before end")
    worker = WorkerRules(_weights(w.get("weights"), WORKER_PARTS, f"{where}: worker.weights"),
                         _number(w.get("reports_per_month"), f"{where}: worker.reports_per_month", 1, 10_000),
                         _number(w.get("min_patrol_minutes_per_day"),
                                 f"{where}: worker.min_patrol_minutes_per_day", 0, 24 * 60),
                         (duty[0], duty[1]),
                         _number(w.get("supervision_penalty"), f"{where}: worker.supervision_penalty", 0, 100))
    d = _object(raw.get("department"), f"{where}: department")
    if set(d) != set(CATEGORIES):
        raise RulesError(f"{where}: department needs exactly the categories {', '.join(CATEGORIES)}")
    departments = {}
    for category in CATEGORIES:
        c = _object(d[category], f"{where}: department.{category}")
        departments[category] = DepartmentRules(
            _weights(c.get("weights"), DEPARTMENT_PARTS, f"{where}: department.{category}.weights"),
            _number(c.get("accept_within_hours"), f"{where}: department.{category}.accept_within_hours",
                    0.01, 24 * 31),
            _number(c.get("supervision_penalty"), f"{where}: department.{category}.supervision_penalty", 0, 100))
    return RuleVersion(name, start, dict(zip(GRADES[:-1], grade_values)), worker, departments)


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: missing or not an object")
    return value


def _number(value, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RulesError(f"{where}: missing or not a number")
    if not low <= value <= high:
        raise RulesError(f"{where}: {value} is outside {low:g}-{high:g}")
    return float(value)


def _weights(value, parts: tuple[str, ...], where: str) -> dict[str, float]:
    value = _object(value, where)
    if set(value) != set(parts):
        raise RulesError(f"{where}: need exactly {', '.join(parts)}")
    weights = {p: _number(value[p], f"{where}.{p}", 0, 1) for p in parts}
    if abs(sum(weights.values()) - 1) > 1e-6:
        raise RulesError(f"{where}: add up to {sum(weights.values()):g}, not 1")
    return weights


# -- scoring ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkerInputs:
    """The figures a worker's score is computed from (one month, or the days of it they were in post)."""

    accepted_reports: int
    dispatched: int
    resolved: int
    overdue: int
    supervised: int
    days_in_post: int
    days_in_month: int
    days_patrolled: int


@dataclass(frozen=True)
class DepartmentInputs:
    """The figures a department's score is computed from."""

    received: int
    accepted_in_time: int
    closed: int
    overdue: int
    supervision_orders: int


@dataclass(frozen=True)
class Score:
    """A score out of 100, its grade and each part's sub-score (0-1), as the rules version computed it."""

    total: float
    grade: str
    parts: dict[str, float]
    penalty: float
    version: str


def _share(part: int, whole: int, empty: float = 1.0) -> float:
    return empty if whole <= 0 else max(0.0, min(1.0, part / whole))


def score_worker(f: WorkerInputs, rules: RuleVersion) -> Score:
    """A grid worker's score for the month under ``rules`` (see the module docstring)."""
    w = rules.worker
    target = w.reports_per_month * f.days_in_post / f.days_in_month if f.days_in_month else 0.0
    parts = {
        "reporting": min(1.0, f.accepted_reports / target) if target > 0 else 1.0,
        "timeliness": 1.0 - _share(f.overdue, f.dispatched, 0.0),
        "closure": _share(f.resolved, f.dispatched),
        "patrol": _share(f.days_patrolled, f.days_in_post),
    }
    return _scored(parts, w.weights, f.supervised * w.supervision_penalty, rules)


def score_department(f: DepartmentInputs, category: str, rules: RuleVersion) -> Score:
    """A stationed department's score for the month with its category's weights under ``rules``."""
    d = rules.department(category)
    parts = {
        "timeliness": _share(f.accepted_in_time, f.received),
        "closure": _share(f.closed, f.received),
        "overdue": 1.0 - _share(f.overdue, f.received, 0.0),
    }
    return _scored(parts, d.weights, f.supervision_orders * d.supervision_penalty, rules)


def _scored(parts: dict[str, float], weights: dict[str, float], penalty: float, rules: RuleVersion) -> Score:
    raw = 100.0 * sum(weights[p] * parts[p] for p in weights)
    total = round(max(0.0, raw - penalty), 1)
    return Score(total, rules.grade(total), parts, penalty, rules.version)


def competition_ranks(scores: list[float]) -> list[int]:
    """Ranks, highest score first, equal scores sharing a rank ("1, 2, 2, 4")."""
    order = sorted(range(len(scores)), key=lambda k: -scores[k])
    ranks = [0] * len(scores)
    for position, k in enumerate(order):
        if position and scores[k] == scores[order[position - 1]]:
            ranks[k] = ranks[order[position - 1]]
        else:
            ranks[k] = position + 1
    return ranks
