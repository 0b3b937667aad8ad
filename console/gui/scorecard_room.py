"""The Scorecards dock, wired: a month's scorecards computed on the I/O pool with progress and Cancel, the
selected subject's score over 12 months, drill-down into the queue, and the exports.

Nothing is computed until the dock is first shown.  One computation runs at a time (a month's scorecards,
or one month of the history); choosing another month cancels what runs.

**The 12 months' chart.**  The storage API scores a whole month at once (every worker and department of the
city: ~10-13 s a month at city scale on the 2-core machine, ~20-26 s with the month before; a town's month
is well under a second), not one subject.  So the history is computed for everyone, one month at a time, in
the background with progress, only once a subject is selected, and kept per month (the scores only: ~26,000
numbers a month): every further subject's chart is then instant, and the month shown already brings its
own scores and the month before's.  The months before the store's first incident, or before the first
rules version, have no score (a gap), so a young store costs only its own months.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QObject, Signal

from console.core.assessment import Month, load_rules
from console.gui.context import ConsoleContext
from console.gui.scorecard_exports import ScorecardExports
from console.storage.db import Store
from console.storage.queue import QueueFilter
from console.storage.scorecards import Scorecards, first_scored_month, read_scorecards
from console.tasks import Cancelled, TaskState
from widgets import labels
from widgets.scorecards_view import ScorecardsView

log = logging.getLogger(__name__)

HISTORY_MONTHS = 12
Scores = dict[tuple[str, int], float]


def months_back(month: Month, n: int) -> list[Month]:
    """``n`` months ending with ``month``, oldest first."""
    months = [month]
    while len(months) < n:
        months.append(months[-1].previous())
    return months[::-1]


def last_full_month(now: datetime) -> Month:
    first = now.replace(day=1) - timedelta(days=1)
    return Month(first.year, first.month)


@dataclass(frozen=True)
class LoadedMonth:
    """A month's scorecards and the first month anything can be scored in (the store's first incident's,
    or the first rules version's if later); None when the store is empty."""

    cards: Scorecards
    first_month: Month | None


def read_month_with_bounds(store: Store, month: Month, tz: tzinfo | None, now: datetime,
                           state: TaskState) -> LoadedMonth:
    """The I/O pool's work for the month shown (no Qt).  When the month before is older than the store's
    first incident, it has no scores (:func:`read_scorecards` leaves them None): nothing to compare with."""
    rules = load_rules()
    cards = read_scorecards(store, month, rules=rules, tz=tz, now=now, state=state)
    with store.engine.connect() as conn:
        first_month = first_scored_month(conn, rules, tz)
    return LoadedMonth(cards, first_month)


def scores_of(cards: Scorecards) -> Scores:
    scores: Scores = {("worker", w.worker_id): w.score.total for w in cards.workers}
    scores.update({("department", d.department_id): d.score.total for d in cards.departments})
    return scores


class ScorecardRoom(QObject):
    """Owns the Scorecards view and feeds it.

    Signals (GUI thread): ``filter_requested(object, str, str)`` — a figure was double-clicked: the
    :class:`QueueFilter` of exactly its incidents, a description and the chip's text; ``loaded(object)``
    when a month's :class:`Scorecards` are shown; ``load_stopped(object)`` when a computation failed or was
    cancelled (the exception); ``history_changed()`` when a month of the history arrived;
    ``message(str)`` for the status bar.
    """

    filter_requested = Signal(object, str, str)
    loaded = Signal(object)
    load_stopped = Signal(object)
    history_changed = Signal()
    message = Signal(str)

    def __init__(self, context: ConsoleContext, tz: tzinfo | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.context, self.tz = context, tz
        self.view = ScorecardsView(context.lang, last_full_month(self._now()))
        self.exports = ScorecardExports(context.tasks, context.lang, self)
        self.cards: Scorecards | None = None
        self.first_month: Month | None = None
        self.history: dict[Month, Scores] = {}
        self._history_paused = False
        self._selected: tuple[str, int] | None = None
        self._job: tuple[str, Month, TaskState] | None = None
        self._started = False
        self.view.month_chosen.connect(self.load)
        self.view.cancel_requested.connect(self.cancel)
        self.view.subject_selected.connect(self._subject_selected)
        self.view.figure_activated.connect(self.drill_down)
        self.view.export_requested.connect(self._ask_export)
        self.view.history_requested.connect(self._resume_history)
        self.exports.message.connect(self.message)

    def _now(self) -> datetime:
        now = self.context.clock.now()
        return now.astimezone(self.tz) if self.tz is not None else labels.local_time(now)

    # -- loading -----------------------------------------------------------------------------------------------
    def set_shown(self, shown: bool) -> None:
        """The dock came to the front (or went away): the first showing computes the default month."""
        if shown and not self._started:
            self._started = True
            self.load(self.view.month())

    def is_busy(self) -> bool:
        return self._job is not None

    def load(self, month: Month) -> None:
        """Compute and show ``month``'s scorecards (what runs is cancelled)."""
        self._started = True
        self.cancel()
        self.view.set_month(month)
        self.view.set_status(self.tr("Computing the scorecards of %1…").replace("%1", str(month)))
        state = self._start("load", month)
        self.context.tasks.read(read_month_with_bounds, self.context.store, month, self.tz,
                                self.context.clock.now(), state,
                                on_done=lambda result: self._loaded(state, result),
                                on_error=lambda exc: self._stopped(state, exc))

    def cancel(self) -> None:
        """Stop what is being computed (its result is dropped)."""
        if self._job is not None:
            kind, month, state = self._job
            state.request_interruption()
            self._job = None
            self.view.show_progress(None)
            if kind == "history":
                self._history_paused = True
                self._draw_history()
            elif self.cards is not None:
                self.view.set_month(self.cards.month)
                self.view.set_status(self.tr("Cancelled: %1 was not computed; still showing %2.")
                                     .replace("%1", str(month)).replace("%2", str(self.cards.month)))
            else:
                self.view.set_status(self.tr("Cancelled: choose a month to compute its scorecards."))

    def stop(self) -> None:
        """The window closes."""
        self.cancel()

    def _start(self, kind: str, month: Month) -> TaskState:
        tasks = self.context.tasks
        state = TaskState(lambda fraction, step: tasks.call_soon(lambda: self._progress(state, fraction, step)))
        self._job = (kind, month, state)
        self._progress(state, 0.0, "")
        return state

    def _progress(self, state: TaskState, fraction: float, step: str) -> None:
        if self._job is None or self._job[2] is not state:
            return
        kind, month, _state = self._job
        steps = {"incidents": self.tr("reading the incidents"), "workers": self.tr("attributing the reports"),
                 "patrols": self.tr("reading the patrols"), "departments": self.tr("scoring the departments")}
        doing = steps.get(step, self.tr("starting"))
        if kind == "load":
            text = self.tr("%1: %2…").replace("%1", str(month)).replace("%2", doing)
        else:
            text = self.tr("Score history, %1: %2…").replace("%1", str(month)).replace("%2", doing)
        self.view.show_progress(fraction, text)

    def _loaded(self, state: TaskState, result: LoadedMonth) -> None:
        if self._job is None or self._job[2] is not state:
            return
        self._job = None
        self.view.show_progress(None)
        cards = result.cards
        if result.first_month != self.first_month or self.cards is None or cards.month != self.cards.month:
            self._history_paused = False
        self.cards, self.first_month = cards, result.first_month
        self.history[cards.month] = scores_of(cards)
        before = cards.month.previous()
        if self._scorable(before):
            previous: Scores = {("worker", w.worker_id): w.previous_score for w in cards.workers
                                if w.previous_score is not None}
            previous.update({("department", d.department_id): d.previous_score for d in cards.departments
                             if d.previous_score is not None})
            self.history.setdefault(before, previous)
        self.view.set_scorecards(cards)
        self.loaded.emit(cards)
        self._draw_history()
        self._continue_history()

    def _stopped(self, state: TaskState, exc: BaseException) -> None:
        if self._job is not None and self._job[2] is state and not isinstance(exc, Cancelled):
            kind, month, _state = self._job
            self._job = None
            self.view.show_progress(None)
            log.warning("scorecards of %s failed: %s", month, exc)
            if kind == "load":
                self.view.set_status(self.tr("The scorecards of %1 could not be computed: %2")
                                     .replace("%1", str(month)).replace("%2", str(exc)))
            else:
                self._history_paused = True
                self.message.emit(self.tr("Score history of %1: %2").replace("%1", str(month))
                                  .replace("%2", str(exc)))
                self._draw_history()
        self.load_stopped.emit(exc)

    # -- the 12 months -----------------------------------------------------------------------------------------
    def _scorable(self, month: Month) -> bool:
        return self.first_month is not None and self.first_month <= month and \
            (self.cards is None or month <= self.cards.month)

    def missing_months(self) -> list[Month]:
        """The months of the chart still to compute, newest first."""
        if self.cards is None:
            return []
        return [m for m in months_back(self.cards.month, HISTORY_MONTHS)[::-1]
                if self._scorable(m) and m not in self.history]

    def _subject_selected(self, subject: str, subject_id: int) -> None:
        self._selected = (subject, subject_id)
        self._draw_history()
        self._continue_history()

    def _resume_history(self) -> None:
        self._history_paused = False
        self._continue_history()
        self._draw_history()

    def _continue_history(self) -> None:
        """Compute the next missing month of the history (once a subject was chosen, unless stopped)."""
        if self._job is not None or self._selected is None or self._history_paused:
            return
        missing = self.missing_months()
        if not missing:
            return
        month = missing[0]
        state = self._start("history", month)
        store, tz, now = self.context.store, self.tz, self.context.clock.now()
        self.context.tasks.read(lambda: read_scorecards(store, month, tz=tz, now=now, state=state, previous=False),
                                on_done=lambda cards: self._history_arrived(state, cards),
                                on_error=lambda exc: self._stopped(state, exc))

    def _history_arrived(self, state: TaskState, cards: Scorecards) -> None:
        if self._job is None or self._job[2] is not state:
            return
        self._job = None
        self.view.show_progress(None)
        self.history[cards.month] = scores_of(cards)
        self._draw_history()
        self.history_changed.emit()
        self._continue_history()

    def series(self, subject: str, subject_id: int) -> tuple[list[Month], list[float | None]]:
        """The subject's score in each of the chart's months (None: no score, or not computed yet)."""
        months = months_back(self.cards.month, HISTORY_MONTHS) if self.cards is not None else []
        return months, [self.history.get(m, {}).get((subject, subject_id)) for m in months]

    def _draw_history(self) -> None:
        if self.cards is None or self._selected is None:
            return
        subject, subject_id = self._selected
        name = self._name(subject, subject_id)
        months, values = self.series(subject, subject_id)
        missing = len(self.missing_months())
        if not missing:
            note = self.tr("Score over the last 12 months (a gap: no score that month).")
        elif self._history_paused:
            note = self.tr("History stopped: %1 month(s) not computed yet.").replace("%1", str(missing))
        else:
            note = self.tr("Computing the history in the background: %1 month(s) to go.").replace("%1", str(missing))
        self.view.set_history(self.tr("%1: score by month").replace("%1", name),
                              [f"{m.month:02d}" if m.month != 1 else str(m) for m in months], values, note,
                              bool(missing) and self._history_paused)

    def _name(self, subject: str, subject_id: int) -> str:
        cards, lang = self.cards, self.context.lang
        try:
            return cards.worker(subject_id).name if subject == "worker" else cards.department(subject_id).name(lang)
        except StopIteration:
            return str(subject_id)

    # -- drill-down and exports --------------------------------------------------------------------------------
    def figure_name(self, figure: str) -> str:
        names = {"reports": self.tr("reports"), "accepted": self.tr("accepted reports"),
                 "rejected": self.tr("rejected reports"), "duplicates": self.tr("duplicate reports"),
                 "one_key": self.tr("one-key reports"), "dispatched": self.tr("dispatched to them"),
                 "handled_on_spot": self.tr("handled on the spot"), "overdue": self.tr("overdue"),
                 "supervised": self.tr("supervised"), "responded": self.tr("the average time to respond"),
                 "resolved": self.tr("the average time to resolve"), "received": self.tr("received"),
                 "accepted_in_time": self.tr("accepted in time"), "closed": self.tr("closed"),
                 "supervision_orders": self.tr("supervision orders"), "joint_meetings": self.tr("joint meetings")}
        if figure.startswith("closed_level_"):
            return self.tr("closed, level %1").replace("%1", figure.rsplit("_", 1)[1])
        return names.get(figure, figure)

    def drill_down(self, subject: str, subject_id: int, figure: str) -> None:
        """Show exactly the incidents counted in one figure in the queue (nothing when there are none)."""
        if self.cards is None:
            return
        ids = self.cards.incidents(subject, subject_id, figure)
        name, what, month = self._name(subject, subject_id), self.figure_name(figure), str(self.cards.month)
        if not ids:
            self.message.emit(self.tr("No incidents behind %1 of %2 in %3").replace("%1", what)
                              .replace("%2", name).replace("%3", month))
            return
        description = f"{name}: {what}, {month}"
        chip = self.tr("Scorecard %1 — %2: %3 · %4 incident(s)").replace("%1", month).replace("%2", name) \
            .replace("%3", what).replace("%4", labels.format_count(len(ids)))
        self.filter_requested.emit(QueueFilter(incident_ids=frozenset(ids)), description, chip)

    def export_scope(self) -> tuple[str, list, str]:
        """What the current tab shows: its subject, the cards and the place's name ("" for all)."""
        tab = self.view.current_tab()
        return self.view.current_subject(), tab.rows.shown_cards(), tab.place()

    def export(self, kind: str, path: str) -> None:
        """Write what the current tab shows to ``path`` (``kind`` ``"csv"`` or ``"pdf"``)."""
        if self.cards is not None:
            self.exports.export(kind, path, self.cards, *self.export_scope())

    def _ask_export(self, kind: str) -> None:
        if self.cards is not None:
            self.exports.ask(kind, self.cards, *self.export_scope(), parent=self.view)
