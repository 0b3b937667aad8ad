"""The command palette (Ctrl+K): every command of a window's menus by name, filtered as you type.

Typing narrows the list (every word must appear, in the command's name or its menu's); the arrow
keys move through it without leaving the text; Enter runs the highlighted command, Esc closes.
Only commands that are enabled now are listed, with their shortcut beside them, so the palette
also teaches the keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QHeaderView, QLabel, QLineEdit, QMainWindow, QMenu, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

#: The palette's shortcut.
PALETTE_KEY = "Ctrl+K"


@dataclass(frozen=True)
class Command:
    """One menu command: its action, its name without the mnemonic, and the menus it sits in."""

    action: QAction
    name: str
    where: str

    def matches(self, words: list[str]) -> bool:
        haystack = f"{self.name} {self.where}".casefold()
        return all(word in haystack for word in words)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def menu_commands(actions: list[QAction], where: str = "") -> list[Command]:
    """The enabled, visible commands among ``actions`` and their sub-menus, in menu order."""
    found: list[Command] = []
    for action in actions:
        if action.isSeparator() or not action.isVisible():
            continue
        menu = action.menu()
        if isinstance(menu, QMenu):
            inner = f"{where} › {_plain(action.text())}" if where else _plain(action.text())
            found += menu_commands(menu.actions(), inner)
        elif action.isEnabled() and action.text():
            found.append(Command(action, _plain(action.text()), where))
    return found


class CommandPalette(QDialog):
    """Lists ``commands``; the one run is triggered after the palette has closed."""

    def __init__(self, commands: list[Command], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Commands"))
        self._commands = commands
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Type a command…"))
        self.list = QTreeWidget(self)
        self.list.setColumnCount(3)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            self.list.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text keeps the keyboard; arrows move the list
        self.empty = QLabel(self.tr("No command matches"), self)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self._run_current)
        self.list.itemClicked.connect(lambda _item, _column: self._run_current())
        self._filter("")
        self.resize(560, 420)

    def shown(self) -> list[str]:
        """The names listed now, in order."""
        return [self.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).name
                for i in range(self.list.topLevelItemCount())]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            QCoreApplication.sendEvent(self.list, event)  # move the highlight; the text keeps the focus
            return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        self.list.clear()
        for command in self._commands:
            if not command.matches(words):
                continue
            keys = command.action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            item = QTreeWidgetItem(self.list, [command.name, command.where, keys])
            item.setData(0, Qt.ItemDataRole.UserRole, command)
            item.setToolTip(0, command.action.toolTip())
            item.setForeground(1, self.palette().placeholderText())
        self.empty.setVisible(self.list.topLevelItemCount() == 0)
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))

    def _run_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        action = item.data(0, Qt.ItemDataRole.UserRole).action
        self.accept()
        action.trigger()  # after closing: a command that opens a dialog opens it over the window


def install_command_palette(window: QMainWindow, menu: QMenu) -> QAction:
    """Add the palette's action (Ctrl+K) to ``menu``; it lists the commands of ``window``'s menu bar."""
    action = QAction(QCoreApplication.translate("CommandPalette", "Command palette…"), window)
    action.setObjectName("command_palette")
    action.setShortcut(QKeySequence(PALETTE_KEY))

    def open_palette() -> None:
        commands = [c for c in menu_commands(window.menuBar().actions()) if c.action is not action]
        palette = CommandPalette(commands, window)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()
    action.triggered.connect(open_palette)
    menu.addAction(action)
    return action
