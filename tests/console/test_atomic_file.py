"""A document is written whole or not at all: a failure half-way leaves the old file and no scrap."""

from __future__ import annotations

import stat

import pytest

from console.atomic_file import replaced_atomically


def test_a_finished_file_takes_the_place_of_the_old_one_readable_by_all(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old")
    with replaced_atomically(target) as temp:
        with open(temp, "w") as out:
            out.write("new")
        assert target.read_text() == "old"  # nothing shows until the file is complete
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_a_failure_half_way_leaves_the_old_file_and_no_scrap(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old")
    with pytest.raises(OSError, match="disk full"):
        with replaced_atomically(target) as temp:
            with open(temp, "w") as out:
                out.write("half")
            raise OSError("disk full")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.csv"]
