"""How the demo's reports are mixed and how fast they are handled.

The figures give a town of ~1,000 reports a day (杨汛桥: "一天上报事件量多达1000余条")
in which disputes, sanitation and traffic dominate and fire or pyramid selling
are rare, with 99.6 % of older events closed.
"""

from __future__ import annotations

from console.core.workflow import Source

#: Relative report frequency of each sub-item (per ~1,000 reports).
SUBITEM_WEIGHTS: dict[str, float] = {
    "CON01": 30, "CON02": 12, "CON03": 6, "CON04": 20,
    "DIS01": 70, "DIS02": 28, "DIS03": 14, "DIS04": 9, "DIS05": 0.8,
    "FIR01": 1.5, "FIR02": 25, "FIR03": 30, "FIR04": 12,
    "FOD01": 12, "FOD02": 10, "FOD03": 3, "FOD04": 10,
    "ORD01": 15, "ORD02": 5, "ORD03": 0.3, "ORD04": 15, "ORD05": 60,
    "TRA01": 1.5, "TRA02": 25, "TRA03": 70, "TRA04": 18,
    "ENV01": 110, "ENV02": 25, "ENV03": 12, "ENV04": 20,
    "SAF01": 30, "SAF02": 4, "SAF03": 15, "SAF04": 5,
    "PUB01": 35, "PUB02": 15, "PUB03": 30, "PUB04": 12,
    "PTY01": 20, "PTY02": 25, "PTY03": 45, "PTY04": 5,
}

#: The order of sources in the per-sub-item mix below.
SOURCES: tuple[Source, ...] = (Source.WORKER_APP, Source.ONE_KEY, Source.CAMERA, Source.CITIZEN, Source.OPERATOR)

#: Sources of an ordinary sub-item: the worker app dominates.
DEFAULT_SOURCE_MIX = {Source.WORKER_APP: 0.84, Source.CAMERA: 0.03, Source.CITIZEN: 0.08, Source.OPERATOR: 0.05}
#: Sub-items the video wall often sees first: share of camera reports.
CAMERA_SHARE = {"CON01": 0.25, "CON04": 0.25, "TRA03": 0.2, "TRA01": 0.2, "ENV04": 0.2, "FIR01": 0.15,
                "FIR02": 0.12, "ENV01": 0.1, "ENV03": 0.15, "DIS05": 0.15}
#: Sub-items a worker may report with the one-key button (mass dispute, fire, major accident): share of those.
ONE_KEY_SHARE = {"DIS05": 0.35, "FIR01": 0.35, "TRA01": 0.3}


def source_mix(subitem: str) -> dict[Source, float]:
    """The probability of each source for a report of ``subitem`` (adds up to 1)."""
    mix = dict(DEFAULT_SOURCE_MIX)
    camera = CAMERA_SHARE.get(subitem, mix[Source.CAMERA])
    mix[Source.WORKER_APP] -= camera - mix[Source.CAMERA]
    mix[Source.CAMERA] = camera
    one_key = ONE_KEY_SHARE.get(subitem, 0.0) * mix[Source.WORKER_APP]
    mix[Source.WORKER_APP] -= one_key
    mix[Source.ONE_KEY] = one_key
    return {source: mix.get(source, 0.0) for source in SOURCES}


#: Reports per hour of the local day (China Standard Time), relative: quiet nights, busy mornings.
HOURLY_RHYTHM = (0.12, 0.08, 0.06, 0.05, 0.06, 0.12, 0.35, 0.80, 1.40, 1.75, 1.80, 1.55,
                 1.05, 1.20, 1.65, 1.75, 1.60, 1.30, 0.90, 0.70, 0.60, 0.45, 0.30, 0.18)
#: Reports per weekday (Monday first), relative.
WEEKDAY_FACTORS = (1.06, 1.05, 1.04, 1.04, 1.02, 0.92, 0.87)

#: Reports a day at each scale (the city: 2.2 million events in 8 months ≈ 243 days).
DAILY_REPORTS = {"town": 1_000.0, "city": 2_200_000 / 243}
DEFAULT_DAYS = {"town": 90, "city": 243}

#: Share of reports the operator re-grades when accepting.
REGRADE_SHARE = 0.07
#: Share of reports rejected, and of those the share that are duplicates (the rest are invalid).
REJECT_SHARE = 0.03
DUPLICATE_SHARE = 0.45
#: Share of incidents that get stuck for weeks or months (overdue, supervised): with them about
#: 99.6 % of the incidents older than a week are closed, as in the article.
STUCK_SHARE = 0.005
#: How long a stuck incident stays stuck, in days.
STUCK_DAYS = (7, 240)

# Median seconds of each step by difficulty level (index 1-4); durations are log-normal around them.
ACCEPT_MEDIAN = 300
ASSIGN_MEDIAN = (0, 240, 600, 1_500, 7_200)
START_MEDIAN = (0, 900, 3_600, 10_800, 14_400)
HANDLE_MEDIAN = (0, 4_300, 28_800, 93_600, 180_000)
CLOSE_MEDIAN = 9_000
#: Share of level-1 incidents the worker settles on the spot without a separate "start" step.
RESOLVED_ON_THE_SPOT = 0.3
#: One-key reports move at emergency speed: accept within 2 min, assign within ~2, handled within ~40.
ONE_KEY_ACCEPT = (20, 120)
ONE_KEY_ASSIGN_MEDIAN = 120
ONE_KEY_START_MEDIAN = 300
ONE_KEY_HANDLE_MEDIAN = 2_400
#: The deadline sweep runs about once a minute, so escalations are recorded up to a minute late.
SWEEP_LAG = (5, 60)

#: Departments that join the lead department of a joint meeting (联席会议).
JOINT_MEETING_PARTNERS = ("police", "law_enforcement", "political_legal", "market_supervision", "justice")
#: Who takes a sub-item whose usual handler kind has no department (e.g. "village" matters at level 3+).
HANDLER_FALLBACK = {"village": "civil_affairs"}
LAST_RESORT_KIND = "political_legal"
