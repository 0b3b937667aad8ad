"""The one selection: each pick is announced once, to every view, and never echoed back in a loop."""

from __future__ import annotations

import pytest

from console.gui.selection import Selection


def test_a_pick_is_announced_once_and_a_repeat_of_it_is_not(qtbot):
    selection = Selection()
    seen = []
    selection.incident_selected.connect(lambda i: seen.append(("incident", i)))
    selection.changed.connect(lambda kind, i: seen.append(("changed", kind, i)))
    with qtbot.waitSignal(selection.incident_selected):
        selection.select_incident(7)
    selection.select_incident(7)  # a view answering the selection picks the same again: nothing more
    assert seen == [("incident", 7), ("changed", "incident", 7)]
    selection.select_worker(7)  # same id, other kind: a new pick
    selection.select_incident(7)  # and back: announced again
    assert seen[-1] == ("changed", "incident", 7) and seen.count(("incident", 7)) == 2


def test_a_view_that_answers_the_selection_does_not_loop(qtbot):
    selection = Selection()
    calls = []

    def map_answers(camera_id):  # a view that follows the selection and re-announces what it shows
        calls.append(camera_id)
        selection.select_camera(camera_id)
    selection.camera_selected.connect(map_answers)
    selection.select_camera(3)
    assert calls == [3] and selection.current == ("camera", 3)


def test_the_source_of_a_pick_is_kept_and_forget_lets_the_same_pick_count_again(qtbot):
    selection, panel = Selection(), object()
    selection.select("village", 2, panel)
    assert (selection.current, selection.source) == (("village", 2), panel)
    selection.forget()
    with qtbot.waitSignal(selection.village_selected):
        selection.select_village(2)
    assert selection.source is None


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind 'street'"):
        Selection().select("street", 1)
