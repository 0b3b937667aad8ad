"""Scorecards as CSV files for Excel: one table of workers or of departments, UTF-8 with a byte-order mark,
CRLF lines, a header row in Chinese or English (no Qt).

Like the queue export (:mod:`console.storage.queue_export`), a text cell Excel would take for a formula
gets a leading apostrophe, and the file is written beside the target and renamed over it when complete.
Times are in minutes (to respond) or hours, distances in kilometres, shares in per cent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from console.atomic_file import replaced_atomically
from console.storage.scorecards import DepartmentScorecard, Scorecards, WorkerScorecard

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

WORKER_HEADERS = {
    "zh": ("月份", "规则版本", "工号", "姓名", "村/社区", "网格", "在岗天数", "上报", "受理", "退回", "重复",
           "一键上报", "派给本人", "就地处置", "平均响应(分钟)", "平均办结(小时)", "超时", "督办",
           "巡查里程(公里)", "网格内巡查(小时)", "未巡查天数", "在岗离线(小时)", "得分", "等级", "村内排名",
           "镇内排名", "上月得分", "较上月"),
    "en": ("month", "rules version", "code", "name", "village", "grid", "days in post", "reports", "accepted",
           "rejected", "duplicates", "one-key reports", "dispatched to them", "handled on the spot",
           "average time to respond (min)", "average time to resolve (h)", "overdue", "supervised",
           "patrol distance (km)", "patrol inside the grid (h)", "days without patrol", "offline on duty (h)",
           "score", "grade", "rank in village", "rank in town", "previous month's score", "change"),
}
DEPARTMENT_HEADERS = {
    "zh": ("月份", "规则版本", "编码", "部门", "考核类别", "接收", "按时受理", "办结", "办结率(%)",
           "一级平均办结(小时)", "二级平均办结(小时)", "三级平均办结(小时)", "四级平均办结(小时)", "超时",
           "督办单", "联席会议", "得分", "等级", "镇内排名", "上月得分", "较上月"),
    "en": ("month", "rules version", "code", "department", "assessment category", "received", "accepted in time",
           "closed", "closure rate (%)", "average time to close, level 1 (h)", "average time to close, level 2 (h)",
           "average time to close, level 3 (h)", "average time to close, level 4 (h)", "overdue",
           "supervision orders", "joint meetings", "score", "grade", "rank in town", "previous month's score",
           "change"),
}
GRADE_NAMES = {
    "zh": {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"},
    "en": {"excellent": "excellent", "good": "good", "pass": "pass", "fail": "fail"},
}


def _lang(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _num(value: float | None, scale: float = 1.0, digits: int = 1) -> str:
    return "" if value is None else f"{value / scale:.{digits}f}"


def worker_rows(cards: Scorecards, workers: Iterable[WorkerScorecard], lang: str) -> list[tuple]:
    """The worker table's rows (best in the town first)."""
    grades = GRADE_NAMES[_lang(lang)]
    rows = []
    for w in sorted(workers, key=lambda w: (w.town_id, w.rank_in_town, w.code)):
        rows.append((str(cards.month), cards.rules.version, _text(w.code), _text(w.name),
                     _text(w.village_name(lang)), _text(w.grid_name), w.days_in_post, w.reports, w.accepted,
                     w.rejected, w.duplicates, w.one_key, w.dispatched, w.handled_on_spot,
                     _num(w.average_respond_s, 60), _num(w.average_resolve_s, 3600), w.overdue, w.supervised,
                     _num(w.patrol.distance_m, 1000, 2), _num(w.patrol.inside_grid_s, 3600),
                     w.days_without_patrol, _num(w.patrol.offline_on_duty_s, 3600), _num(w.score.total),
                     grades[w.score.grade], w.rank_in_village, w.rank_in_town, _num(w.previous_score),
                     _num(w.change)))
    return rows


def department_rows(cards: Scorecards, departments: Iterable[DepartmentScorecard], lang: str) -> list[tuple]:
    """The department table's rows (best in the town first)."""
    grades = GRADE_NAMES[_lang(lang)]
    rows = []
    for d in sorted(departments, key=lambda d: (d.town_id or 0, d.rank_in_town, d.code)):
        rate = d.closure_rate
        rows.append((str(cards.month), cards.rules.version, _text(d.code), _text(d.name(lang)), d.category,
                     d.received, d.accepted_in_time, d.closed, _num(None if rate is None else rate * 100),
                     *(_num(d.average_close_by_level[level], 3600) for level in (1, 2, 3, 4)),
                     d.overdue, d.supervision_orders, d.joint_meetings, _num(d.score.total), grades[d.score.grade],
                     d.rank_in_town, _num(d.previous_score), _num(d.change)))
    return rows


def write_csv(target: Path | str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write one table as an Excel-friendly CSV; returns the number of data rows."""
    target = Path(target)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    with replaced_atomically(target) as temp_name, open(temp_name, "w", encoding="utf-8-sig", newline="") as out:
        out.write(buffer.getvalue())
    return count


# -- the printed document's words (the PDF for the monthly training meeting) ----------------------------------

#: Columns of the printed tables: (index into the CSV row, width share, right-aligned).
PRINTED_WORKER_COLUMNS = ((24, 0.9, True), (25, 0.9, True), (3, 1.4, False), (5, 1.4, False), (7, 0.7, True),
                          (8, 0.7, True), (11, 1.0, True), (13, 1.1, True), (14, 1.6, True), (16, 0.7, True),
                          (17, 0.7, True), (18, 1.5, True), (20, 1.3, True), (22, 0.8, True), (23, 0.9, False),
                          (26, 1.0, True), (27, 0.9, True))
PRINTED_DEPARTMENT_COLUMNS = ((18, 0.8, True), (3, 2.4, False), (4, 0.9, False), (5, 0.9, True), (6, 1.1, True),
                              (7, 0.9, True), (8, 1.0, True), (13, 0.9, True), (14, 1.0, True), (15, 1.0, True),
                              (16, 0.9, True), (17, 1.0, False), (19, 1.0, True), (20, 0.9, True))
DOCUMENT_WORDS = {
    "zh": {"workers": "网格员考核 — {place}", "departments": "派驻部门考核 — {place}", "all": "全部",
           "month": "{month} · 规则版本 {version} · 截至 {read_at}", "empty": "本月无考核对象",
           "rules": "得分满分100：各项得分×权重之和，减督办扣分；等级：优秀≥{excellent}，良好≥{good}，合格≥{passed}"},
    "en": {"workers": "Grid worker assessment — {place}", "departments": "Department assessment — {place}",
           "all": "All", "month": "{month} · rules {version} · as of {read_at}", "empty": "Nobody to assess this month",
           "rules": "Score out of 100: each part's share times its weight, less points per supervision order; "
                    "grades: excellent ≥ {excellent}, good ≥ {good}, pass ≥ {passed}"},
}
