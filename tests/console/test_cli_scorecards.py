"""``gridwatch scorecards``: the hand-built town of tests/storage/test_scorecards.py as CSV files for Excel."""

from __future__ import annotations

import csv

import pytest

from console.storage.db import open_store
from tests.console.test_cli import gridwatch
from tests.storage.test_scorecards import Town

CHINA = {"TZ": "Asia/Shanghai"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("scorecards") / "town.db"
    store = open_store(str(path))
    Town(store).build()
    store.dispose()
    return str(path)


def _read(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel: a BOM for the Chinese, CRLF lines
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_a_villages_workers_ranked_with_their_scores_in_english(db, tmp_path):
    out = tmp_path / "jiangqiao.csv"
    result = gridwatch("--lang", "en", "scorecards", "--db", db, "--month", "2026-10", "--village", "江桥村",
                       "--out", str(out), env_extra=CHINA)
    assert result.returncode == 0, result.stderr
    assert "2 workers" in result.stdout
    header, *rows = _read(out)
    column = {name: k for k, name in enumerate(header)}
    assert [r[column["name"]] for r in rows] == ["王小红", "张三"]
    first, newcomer = rows
    assert (first[column["reports"]], first[column["accepted"]], first[column["duplicates"]]) == ("4", "2", "1")
    assert (first[column["score"]], first[column["grade"]], first[column["previous month's score"]],
            first[column["change"]]) == ("51.9", "fail", "50.6", "1.3")
    assert first[column["average time to respond (min)"]] == "30.0"
    assert (newcomer[column["days in post"]], newcomer[column["days without patrol"]]) == ("16", "16")
    assert newcomer[column["previous month's score"]] == ""


def test_the_whole_town_writes_workers_and_departments_beside_them_in_chinese(db, tmp_path):
    out = tmp_path / "scores.csv"
    result = gridwatch("--lang", "zh_CN", "scorecards", "--db", db, "--month", "2026-10", "--out", str(out),
                       env_extra=CHINA)
    assert result.returncode == 0, result.stderr
    header, *rows = _read(out)
    assert header[:4] == ["月份", "规则版本", "工号", "姓名"]
    assert [r[3] for r in rows] == ["王小红", "张三", "李建国"]
    assert rows[2][header.index("督办")] == "1"
    d_header, *d_rows = _read(tmp_path / "scores-departments.csv")
    by_name = {r[d_header.index("部门")]: r for r in d_rows}
    assert by_name["综合行政执法队"][d_header.index("得分")] == "100.0"
    assert by_name["杨汛桥派出所"][d_header.index("联席会议")] == "1"
    assert by_name["市场监管所"][d_header.index("考核类别")] == "B"
    assert by_name["市场监管所"][d_header.index("等级")] == "合格"


def test_one_department(db, tmp_path):
    out = tmp_path / "police.csv"
    result = gridwatch("--lang", "en", "scorecards", "--db", db, "--month", "2026-10", "--department",
                       "杨汛桥派出所", "--out", str(out), env_extra=CHINA)
    assert result.returncode == 0, result.stderr
    header, row = _read(out)
    assert (row[header.index("received")], row[header.index("accepted in time")], row[header.index("score")]) == \
        ("1", "0", "55.0")


def test_a_village_as_a_pdf_for_the_training_meeting(db, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "jiangqiao.pdf"
    result = gridwatch("--lang", "zh_CN", "scorecards", "--db", db, "--month", "2026-10", "--village", "江桥村",
                       "--out", str(out), env_extra=CHINA)
    assert result.returncode == 0, result.stderr
    page = PdfReader(out).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape: the table is wide
    text = " ".join(page.extract_text().split())
    assert "网格员考核" in text and "江桥村" in text and "规则版本 2026-07" in text
    assert text.index("王小红") < text.index("张三")  # best first
    assert "51.9" in text and "李建国" not in text


@pytest.mark.parametrize("args, message", [
    (("--month", "2026-13", "--out", "x.csv"), "--month: not a month"),
    (("--month", "2026-10", "--village", "无此村", "--out", "x.csv"), "no village named '无此村'"),
    (("--month", "2026-10", "--out", "x.xlsx"), "a .csv or .pdf file"),
    (("--month", "2017-05", "--out", "x.csv"), "no assessment rules apply to 2017-05"),
])
def test_mistakes_are_one_line_and_write_nothing(db, tmp_path, args, message):
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    result = gridwatch("scorecards", "--db", db, *args, env_extra=CHINA)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())


def test_the_first_month_has_no_previous_months_score(db, tmp_path):
    """August lies before the town's first incident: no comparison, as the dock shows it (blank)."""
    out = tmp_path / "september.csv"
    result = gridwatch("--lang", "en", "scorecards", "--db", db, "--month", "2026-09", "--out", str(out),
                       env_extra=CHINA)
    assert result.returncode == 0, result.stderr
    header, *rows = _read(out)
    assert rows and {(r[header.index("previous month's score")], r[header.index("change")]) for r in rows} == \
        {("", "")}
