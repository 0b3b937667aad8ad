"""The base-map setting as plain values (what QSettings stores and gives back)."""

from console.maps.setting import BaseMapSetting
from console.maps.sources import XyzDirectory
from tests.maps.tile_fixtures import make_xyz_dir, solid_png


def test_round_trip_through_a_plain_dict():
    setting = BaseMapSetting(source="http://tiles.lan/{z}/{x}/{y}.png", gcj02=True, opacity=0.6, min_zoom=3,
                             max_zoom=17)
    values = setting.to_dict()
    assert values == {"source": "http://tiles.lan/{z}/{x}/{y}.png", "gcj02": True, "opacity": 0.6,
                      "min_zoom": 3, "max_zoom": 17}
    assert set(values) == set(BaseMapSetting.keys())
    assert BaseMapSetting.from_dict(values) == setting


def test_text_as_an_ini_file_gives_it_back():
    setting = BaseMapSetting.from_dict({"source": " /srv/tiles ", "gcj02": "true", "opacity": "0.25",
                                        "min_zoom": "12", "max_zoom": "16"})
    assert setting == BaseMapSetting("/srv/tiles", True, 0.25, 12, 16)
    assert BaseMapSetting.from_dict({"gcj02": "false"}).gcj02 is False


def test_missing_or_unreadable_values_take_their_defaults_and_ranges_are_kept_sane():
    assert BaseMapSetting.from_dict({}) == BaseMapSetting()
    assert not BaseMapSetting.from_dict({}).enabled
    odd = BaseMapSetting.from_dict({"source": None, "opacity": "lots", "min_zoom": "x", "max_zoom": [1]})
    assert odd == BaseMapSetting()
    assert BaseMapSetting(opacity=3).opacity == 1.0 and BaseMapSetting(opacity=-1).opacity == 0.0
    assert (BaseMapSetting(min_zoom=17, max_zoom=5).min_zoom, BaseMapSetting(min_zoom=17, max_zoom=5).max_zoom) == (5, 17)


def test_the_same_tiles_in_another_datum_or_opacity():
    base = BaseMapSetting("/srv/tiles")
    assert base.same_tiles(BaseMapSetting("/srv/tiles", gcj02=True, opacity=0.3))
    assert not base.same_tiles(BaseMapSetting("/srv/other"))
    assert not base.same_tiles(BaseMapSetting("/srv/tiles", max_zoom=12))


def test_a_setting_opens_its_source(tmp_path):
    root = make_xyz_dir(tmp_path / "t", {(14, 1, 1): solid_png((5, 5, 5))})
    source = BaseMapSetting(str(root)).open()
    assert isinstance(source, XyzDirectory) and source.fetch(14, 1, 1) is not None
