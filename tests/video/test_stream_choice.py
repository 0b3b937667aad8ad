"""Main/sub stream switching: by tile height, with hysteresis and a dwell time, so a tile never flaps."""

from video.stream_choice import Stream, StreamChooser


def test_small_tiles_play_the_sub_stream():
    chooser = StreamChooser()
    assert chooser.decide(120, now=0.0) is Stream.SUB
    assert chooser.decide(120, now=5.0) is Stream.SUB


def test_a_large_tile_switches_to_main_only_after_the_dwell_time():
    chooser = StreamChooser(dwell_s=1.0)
    assert chooser.decide(400, now=0.0) is Stream.SUB
    assert chooser.switch_pending
    assert chooser.decide(400, now=0.5) is Stream.SUB
    assert chooser.decide(400, now=1.0) is Stream.MAIN
    assert not chooser.switch_pending


def test_between_the_thresholds_nothing_changes():
    """170 px down, 1.34 × 170 up: a tile resized to 200 px keeps whatever it plays."""
    chooser = StreamChooser()
    chooser.decide(300, 0.0)
    chooser.decide(300, 1.0)
    assert chooser.current is Stream.MAIN
    for t in range(2, 20):
        assert chooser.decide(200, float(t)) is Stream.MAIN
    fresh = StreamChooser()
    for t in range(0, 20):
        assert fresh.decide(200, float(t)) is Stream.SUB


def test_resizing_back_and_forth_across_a_threshold_never_flaps():
    chooser = StreamChooser(dwell_s=1.0)
    switches, last = 0, chooser.current
    for step in range(200):  # every 0.3 s the tile jumps between 150 and 240 px
        height = 150 if step % 2 else 240
        stream = chooser.decide(height, step * 0.3)
        switches += stream is not last
        last = stream
    assert switches == 0


def test_back_to_sub_after_staying_small():
    chooser = StreamChooser(dwell_s=1.0)
    chooser.decide(300, 0.0)
    chooser.decide(300, 1.0)
    assert chooser.decide(100, 2.0) is Stream.MAIN
    assert chooser.decide(100, 3.1) is Stream.SUB


def test_maximising_switches_to_main_at_once():
    chooser = StreamChooser()
    assert chooser.decide(150, 0.0, maximised=True) is Stream.MAIN
