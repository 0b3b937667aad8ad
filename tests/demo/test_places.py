"""The demo's places and people: the article's numbers, realistic names, determinism."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from console.core.taxonomy import default_taxonomy
from console.demo import mix, names
from console.demo.places import build_world
from console.demo.texts import SPOTS, TEXTS, compose_report

CHINESE = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
PHONE = re.compile(r"^1[3-9]\d \d{4} \d{4}$")


@pytest.fixture(scope="module")
def town():
    return build_world("town", seed=1)


@pytest.fixture(scope="module")
def city():
    return build_world("city", seed=1)


def test_town_has_the_article_numbers(town):
    assert len(town.towns) == 1 and town.towns[0].name_zh == "杨汛桥镇"
    assert 18 <= len(town.villages) <= 22
    assert len(town.grids) == 87
    assert len(town.workers) == 348
    assert Counter(w.grid for w in town.workers) == {g: 4 for g in range(87)}
    assert len(town.departments) == 26
    assert town.department_staff >= 200
    assert {d.assessment for d in town.departments} == {"A", "B"}
    assert len(town.cameras) == 16
    assert any(o.login == "demo" and o.display_name == "值班员 王丽" and o.role == "duty_officer"
               for o in town.operators)


def test_town_sits_near_yangxunqiao_with_grids_of_80_to_120_households(town):
    for grid in town.grids:
        assert 80 <= grid.households <= 120
        assert 120.2 < grid.lon < 120.4 and 30.0 < grid.lat < 30.2
        village = town.villages[grid.village]
        assert grid.name == f"{village.name_zh}第{grid.number}网格"


def test_people_have_chinese_names_and_mobile_numbers(town, city):
    for worker in town.workers:
        assert CHINESE.match(worker.name), worker.name
        assert PHONE.match(worker.phone), worker.phone
    assert len({w.name for w in town.workers}) == 348  # unique within the town
    assert len({w.phone for w in city.workers}) == len(city.workers)


def test_every_subitem_has_a_department_of_its_usual_kind(town):
    kinds = {d.kind for d in town.departments}
    handler_kinds = {item.handler_kind for item in default_taxonomy().items}
    assert handler_kinds - kinds == {"village"}  # village matters go to the village's grid workers
    assert mix.HANDLER_FALLBACK["village"] in kinds
    assert set(mix.JOINT_MEETING_PARTNERS) <= kinds


def test_cameras_show_generated_scenes_in_the_town(town):
    assert len({c.name for c in town.cameras}) == 16
    for camera in town.cameras:
        assert re.match(r"^demo:[a-z]+-\d(\?[a-z0-9=&.]+)?$", camera.url), camera.url
        assert 0 <= camera.grid < len(town.grids)
        assert camera.group


def test_city_has_the_shaoxing_numbers(city):
    assert len(city.towns) == 118
    assert len(city.grids) == 8_436
    assert len(city.workers) == 26_059
    assert len(city.departments) == 797
    assert city.department_staff == 3_399
    assert len({t.code for t in city.towns}) == 118
    assert len({v.code for v in city.villages}) == len(city.villages)
    assert len({g.code for g in city.grids}) == 8_436
    assert {t.district for t in city.towns} == {"越城区", "柯桥区", "上虞区", "诸暨市", "嵊州市", "新昌县"}


def test_the_citys_yangxunqiao_is_the_town(town, city):
    assert city.towns[0] == town.towns[0]
    assert city.villages[:len(town.villages)] == town.villages
    assert city.grids[:87] == town.grids
    assert city.workers[:348] == town.workers
    assert city.departments[:26] == town.departments


def test_same_seed_same_world_other_seed_other_people(town):
    again = build_world("town", seed=1)
    assert again == town
    other = build_world("town", seed=2)
    assert [w.name for w in other.workers] != [w.name for w in town.workers]
    assert len(other.grids) == 87


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="unknown demo scale"):
        build_world("province")


def test_place_syllables_all_have_pinyin():
    import random
    for zh, en, kind in names.village_names(random.Random(4), 200, communities=20):
        assert zh.endswith("社区" if kind == "community" else "村")
        assert en.endswith("Community" if kind == "community" else "Village") and en[0].isupper()


def test_every_subitem_has_a_mix_and_coherent_texts():
    for item in default_taxonomy().items:
        assert mix.SUBITEM_WEIGHTS[item.code] > 0
        texts = TEXTS[item.code]
        assert all(d.startswith("{place}") for d in texts.descriptions), item.code
        title, description = compose_report(item.code, 0, 3, "江桥村第3网格", 5)
        assert "{" not in title + description
        assert description.startswith("江桥村第3网格")
        assert sum(mix.source_mix(item.code).values()) == pytest.approx(1.0)
    weights = mix.SUBITEM_WEIGHTS
    assert weights["ENV01"] > 50 * weights["FIR01"] and weights["DIS01"] > 100 * weights["ORD03"]
    assert len(SPOTS) > 10
