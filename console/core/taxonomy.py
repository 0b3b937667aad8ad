"""The event taxonomy: 10 categories and 42 sub-items, loaded from ``resources/taxonomy.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from console.resources import resource_path


@dataclass(frozen=True)
class Category:
    """A top-level event category, e.g. illegal construction or disputes."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


@dataclass(frozen=True)
class SubItem:
    """One of the 42 reportable sub-items, with its default difficulty and usual handler kind."""

    code: str
    category: str
    name_zh: str
    name_en: str
    default_level: int
    handler_kind: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en


class TaxonomyError(ValueError):
    """The taxonomy data file is malformed."""


class Taxonomy:
    """Look-ups over the categories and sub-items of the event taxonomy."""

    def __init__(self, categories: list[Category], items: list[SubItem]):
        self.categories = tuple(categories)
        self.items = tuple(items)
        self._categories = {c.code: c for c in categories}
        self._items = {i.code: i for i in items}
        if len(self._categories) != len(categories) or len(self._items) != len(items):
            raise TaxonomyError("duplicate category or sub-item code")
        for item in items:
            if item.category not in self._categories:
                raise TaxonomyError(f"sub-item {item.code} names unknown category {item.category}")
            if item.default_level not in (1, 2, 3, 4):
                raise TaxonomyError(f"sub-item {item.code} has level {item.default_level}, not 1-4")

    @classmethod
    def load(cls, path: Path | None = None) -> "Taxonomy":
        path = path or resource_path("taxonomy.json")
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            categories, items = [], []
            for cat in data["categories"]:
                code = _text(cat, "code")
                categories.append(Category(code, _text(cat, "zh"), _text(cat, "en")))
                for item in cat["items"]:
                    level = item["level"]
                    if type(level) is not int:  # not 2.5, not true, not "2"
                        raise ValueError(f"sub-item {item.get('code')!r} level {level!r} is not a whole number")
                    items.append(SubItem(_text(item, "code"), code, _text(item, "zh"), _text(item, "en"),
                                         level, _text(item, "handler")))
        except (KeyError, TypeError, ValueError) as exc:
            raise TaxonomyError(f"cannot read taxonomy {path}: {exc}") from exc
        return cls(categories, items)

    def category(self, code: str) -> Category:
        return self._categories[code]

    def item(self, code: str) -> SubItem:
        try:
            return self._items[code]
        except KeyError:
            raise KeyError(f"unknown sub-item {code!r}") from None

    def items_of(self, category_code: str) -> list[SubItem]:
        return [i for i in self.items if i.category == category_code]

    def has_item(self, code: str) -> bool:
        return code in self._items


def _text(entry: dict, key: str) -> str:
    """A required, non-blank string field of a taxonomy entry."""
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} of {entry.get('code', entry)!r} must be a non-empty string, not {value!r}")
    return value


_DEFAULT: Taxonomy | None = None


def default_taxonomy() -> Taxonomy:
    """The shipped taxonomy, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Taxonomy.load()
    return _DEFAULT
