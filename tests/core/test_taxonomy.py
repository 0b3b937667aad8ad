"""The event taxonomy: the 10 categories and 42 sub-items operators choose from."""

from __future__ import annotations

import json
import re

import pytest

from console.core.taxonomy import Taxonomy, TaxonomyError, default_taxonomy
from console.resources import resource_path

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_shipped_taxonomy_has_10_categories_and_42_sub_items(taxonomy):
    assert len(taxonomy.categories) == 10
    assert len(taxonomy.items) == 42
    assert sum(len(taxonomy.items_of(c.code)) for c in taxonomy.categories) == 42
    assert all(taxonomy.items_of(c.code) for c in taxonomy.categories), "a category without sub-items"


def test_codes_are_unique_across_categories_and_sub_items(taxonomy):
    codes = [c.code for c in taxonomy.categories] + [i.code for i in taxonomy.items]
    assert len(codes) == len(set(codes))
    assert all(code and code == code.strip() for code in codes)


def test_every_category_and_sub_item_reads_in_chinese_and_english(taxonomy):
    for entry in (*taxonomy.categories, *taxonomy.items):
        assert CJK.search(entry.name_zh), entry
        assert entry.name_en.strip() and not CJK.search(entry.name_en), entry
        assert entry.name("zh_CN") == entry.name_zh
        assert entry.name("zh-Hans") == entry.name_zh
        assert entry.name("en_US") == entry.name_en


def test_every_sub_item_has_a_level_from_1_to_4_and_a_handler_kind(taxonomy):
    for item in taxonomy.items:
        assert item.default_level in (1, 2, 3, 4), item
        assert isinstance(item.handler_kind, str) and item.handler_kind.strip(), item
    # all four levels are in use, from on-the-spot matters to joint meetings
    assert {i.default_level for i in taxonomy.items} == {1, 2, 3, 4}


def test_look_ups(taxonomy):
    first = taxonomy.items[0]
    assert taxonomy.item(first.code) is first
    assert taxonomy.has_item(first.code)
    assert taxonomy.category(first.category).code == first.category
    assert not taxonomy.has_item("NOPE01")
    with pytest.raises(KeyError, match="NOPE01"):
        taxonomy.item("NOPE01")


def test_default_taxonomy_is_loaded_once():
    assert default_taxonomy() is default_taxonomy()
    assert len(default_taxonomy().items) == 42


def _shipped() -> dict:
    return json.loads(resource_path("taxonomy.json").read_text(encoding="utf-8"))


def _item(data: dict) -> dict:
    return data["categories"][0]["items"][0]


def _set(path_fn, key, value):
    def mutate(data):
        target = path_fn(data)
        if value is _DELETE:
            del target[key]
        else:
            target[key] = value
    return mutate


_DELETE = object()

MALFORMED = {
    "no categories": lambda d: d.pop("categories"),
    "categories not a list": lambda d: d.__setitem__("categories", 42),
    "category without code": _set(lambda d: d["categories"][0], "code", _DELETE),
    "category without items": _set(lambda d: d["categories"][0], "items", _DELETE),
    "sub-item without Chinese name": _set(_item, "zh", _DELETE),
    "sub-item without English name": _set(_item, "en", _DELETE),
    "sub-item with null Chinese name": _set(_item, "zh", None),
    "sub-item with empty English name": _set(_item, "en", "  "),
    "sub-item without handler": _set(_item, "handler", _DELETE),
    "sub-item with empty handler": _set(_item, "handler", ""),
    "sub-item without level": _set(_item, "level", _DELETE),
    "level 5": _set(_item, "level", 5),
    "level 0": _set(_item, "level", 0),
    "level not a number": _set(_item, "level", "high"),
    "fractional level": _set(_item, "level", 2.5),
    "boolean level": _set(_item, "level", True),
    "duplicate sub-item code": lambda d: d["categories"][1]["items"].append(dict(_item(d))),
    "duplicate category code": lambda d: d["categories"].append(dict(d["categories"][0])),
}


@pytest.mark.parametrize("mutate", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_taxonomy_file_gives_taxonomy_error(tmp_path, mutate):
    data = _shipped()
    mutate(data)
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TaxonomyError):
        Taxonomy.load(path)


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe\x00garbage", b"[]", b"null"],
                         ids=["empty", "broken json", "not utf-8", "a list", "null"])
def test_unreadable_taxonomy_file_gives_taxonomy_error(tmp_path, content):
    path = tmp_path / "taxonomy.json"
    path.write_bytes(content)
    with pytest.raises(TaxonomyError, match="taxonomy"):
        Taxonomy.load(path)


def test_a_valid_edited_file_loads(tmp_path):
    data = _shipped()
    _item(data)["zh"] = "新名称"
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert Taxonomy.load(path).items[0].name_zh == "新名称"
