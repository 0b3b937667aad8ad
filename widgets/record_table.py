"""A read-only table of records with a row of buttons under it: the administration window's lists."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout,
                               QWidget)


def record_table(model: QAbstractItemModel, parent: QWidget) -> QTableView:
    """A table over ``model`` where one whole row is selected at a time and nothing is edited in place."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def lay_out_with_buttons(widget: QWidget, table: QTableView, buttons: Iterable[QPushButton]) -> None:
    """``table`` filling ``widget``, ``buttons`` in a row under it."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    layout.addLayout(row)


def select_row(table: QTableView, row: int) -> None:
    """Select ``row`` if there is one (``row`` < 0: none, e.g. a record gone after a reload)."""
    if row >= 0:
        table.selectRow(row)
