"""The numbered list of who to send (nearest workers, then departments) that the keys 1–9 pick from."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from console.gui.taskman import TaskManager
from console.storage.dispatch_suggestions import MAX_CHOICES, Suggestion
from widgets.action_dialogs import AssignAnswer
from widgets.guard import guarded
from widgets.map_cards import format_distance


def answer_for(suggestion: Suggestion, note: str = "") -> AssignAnswer:
    """The assignment a picked suggestion stands for."""
    if suggestion.kind == "worker":
        return AssignAnswer(suggestion.id, (), note)
    return AssignAnswer(None, (suggestion.id,), note)


class SuggestionList(QTreeWidget):
    """Up to nine numbered choices, loaded off the GUI thread; the digit keys of ``keys_on``'s window pick one.

    A digit pressed before the choices arrive is kept and applied when they do.  Signals (GUI thread):
    ``loaded(int)`` with how many choices arrived, ``picked(object)`` with the :class:`Suggestion` chosen
    (by digit, click or arrow keys).
    """

    loaded = Signal(int)
    picked = Signal(object)

    def __init__(self, tasks: TaskManager, lang: str, keys_on: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self._tasks, self._lang = tasks, lang
        self._choices: list[Suggestion] = []
        self._loaded = False
        self._pending_digit: int | None = None
        self._generation = 0
        self.setRootIsDecorated(False)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHeaderLabels([self.tr("Key"), self.tr("Who"), self.tr("Where"), self.tr("Distance")])
        header = self.header()
        header.setStretchLastSection(False)
        fit, share = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for column, mode in enumerate((fit, share, share, fit)):
            header.setSectionResizeMode(column, mode)
        self.setMinimumWidth(500)
        self.setMinimumHeight(236)
        self.itemSelectionChanged.connect(self._selection_changed)
        for digit in range(1, MAX_CHOICES + 1):
            shortcut = QShortcut(QKeySequence(str(digit)), keys_on)
            shortcut.activated.connect(lambda d=digit: self.pick_number(d))

    def is_loaded(self) -> bool:
        return self._loaded

    def choices(self) -> list[Suggestion]:
        return list(self._choices)

    def chosen(self) -> Suggestion | None:
        """The suggestion picked, or None."""
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        return self._choices[self.indexOfTopLevelItem(item)]

    def load(self, fn, *args) -> None:
        """Ask ``fn(*args)`` (on the I/O pool) for the choices; an older answer still under way is dropped."""
        self._generation += 1
        generation = self._generation
        self._loaded = False
        self.clear()
        self._choices = []
        self._tasks.read(fn, *args, on_done=guarded(self, lambda me, found: me._fill(generation, found)),
                         on_error=guarded(self, lambda me, _exc: me._fill(generation, [])))

    def pick_number(self, number: int) -> None:
        """Pick the ``number``-th choice (1-based); before the choices arrive, remember it."""
        if not self._loaded:
            self._pending_digit = number
            return
        item = self.topLevelItem(number - 1)
        if item is not None:
            self.setCurrentItem(item)
            item.setSelected(True)

    def _fill(self, generation: int, found: list[Suggestion]) -> None:
        if generation != self._generation:
            return
        self._choices = list(found)[:MAX_CHOICES]
        for number, suggestion in enumerate(self._choices, start=1):
            self.addTopLevelItem(self._item(number, suggestion))
        self._loaded = True
        self.loaded.emit(len(self._choices))
        digit, self._pending_digit = self._pending_digit, None
        if digit is not None:
            self.pick_number(digit)

    def _item(self, number: int, suggestion: Suggestion) -> QTreeWidgetItem:
        if suggestion.kind == "worker":
            where = suggestion.detail
            if suggestion.usual:
                where += " · " + self.tr("this grid")
        else:
            where = self.tr("Department")
            if suggestion.usual:
                where += " · " + self.tr("usual handler")
        distance = format_distance(suggestion.distance_m) if suggestion.distance_m is not None else "—"
        item = QTreeWidgetItem([str(number), suggestion.name(self._lang), where, distance])
        for column in (1, 2):
            item.setToolTip(column, item.text(column))
        item.setTextAlignment(0, Qt.AlignmentFlag.AlignCenter)
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        if suggestion.usual:
            item.setFont(1, font)
        return item

    def _selection_changed(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.picked.emit(chosen)
