"""The dashboard (`/dashboard`): what was checked, held and decided per day, and per rule
how often reviewers released what it held (its false alarms, so the policy can be tuned).

Every role sees the same page: the organisation's totals (`record.stats`), which name no
one (no address, no subject), so a sender learns how the policy treats everyone's mail
without learning anything of anyone's; their own holds are on the queue.

The charts are SVG drawn here (geometry) and in the template (markup): no script, no
inline style; each is followed by a table of the same numbers for screen readers.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from mailwarden.record.stats import WINDOW_DAYS, DayCounts, RuleCounts, dashboard_stats
from mailwarden.web.context import Viewer, Web

router = APIRouter()

WINDOWS = (7, WINDOW_DAYS, 90)
WIDTH = 720
HEIGHT = 200
LEFT = 40
"""Room for the scale's labels."""
BOTTOM = 20
"""Room for the dates."""
ROW = 22
"""A rule's bar and its gap, in the per-rule chart."""


@dataclass(frozen=True, slots=True)
class Series:
    """One quantity drawn: its `DayCounts` or `RuleCounts` attribute, words, CSS class."""

    name: str
    label: str
    css: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's shapes in a `width` × `height` box; `top` is the scale's highest value."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    top: int
    labels: tuple[tuple[float, float, str], ...]
    """(x, y, text) under or beside the bars."""


CHECKED = (
    Series("checked", "at the gateway", "gateway"),
    Series("presend", "before sending", "presend"),
)
DECIDED = (
    Series("held", "held", "held"),
    Series("released", "released", "released"),
    Series("rejected", "rejected", "rejected"),
    Series("returned", "returned", "returned"),
)
OUTCOMES = (
    Series("released", "released", "released"),
    Series("rejected", "rejected", "rejected"),
    Series("returned", "returned", "returned"),
    Series("corrected", "corrected by the sender", "corrected"),
    Series("waiting", "still waiting", "waiting"),
)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(who: Viewer, web: Web, days: int = WINDOW_DAYS) -> HTMLResponse:
    user, session = who
    days = days if days in WINDOWS else WINDOW_DAYS
    stats = dashboard_stats(web.engine, days)
    return web.page(
        "dashboard.html",
        session=session,
        user=user,
        stats=stats,
        days=days,
        windows=WINDOWS,
        checked=CHECKED,
        decided=DECIDED,
        outcomes=OUTCOMES,
        checked_chart=day_chart(stats.days, CHECKED, stacked=True),
        decided_chart=day_chart(stats.days, DECIDED, stacked=False),
        rules_chart=rule_chart(stats.rules, OUTCOMES),
    )


def day_chart(days: Sequence[DayCounts], series: Sequence[Series], stacked: bool) -> Chart:
    """One group of bars a day, stacked (parts of one whole) or side by side."""
    totals = [
        sum(getattr(d, s.name) for s in series)
        if stacked
        else max(getattr(d, s.name) for s in series)
        for d in days
    ]
    top = scale(max(totals, default=0))
    plot = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(len(days), 1)
    width = slot * 0.8 / (1 if stacked else len(series))
    bars: list[Bar] = []
    for index, day in enumerate(days):
        x, base = LEFT + index * slot + slot * 0.1, float(plot)
        for s in series:
            value = getattr(day, s.name)
            height = plot * value / top
            title = f"{day.day:%d %b}: {value} {s.label}"
            if stacked:
                base -= height
                bars.append(Bar(x, base, width, height, s.css, title))
            else:
                bars.append(Bar(x, plot - height, width, height, s.css, title))
                x += width
    step = max(1, len(days) // 6)
    labels = tuple(
        (LEFT + (i + 0.5) * slot, HEIGHT - 5, f"{d.day:%d %b}")
        for i, d in enumerate(days)
        if i % step == 0
    )
    return Chart(WIDTH, HEIGHT, tuple(bars), top, labels)


def rule_chart(rules: Sequence[RuleCounts], series: Sequence[Series]) -> Chart:
    """One horizontal bar a rule: what became of the recipients it held."""
    top = scale(max((r.held for r in rules), default=0))
    left = 200
    bars: list[Bar] = []
    labels: list[tuple[float, float, str]] = []
    for index, rule in enumerate(rules):
        y, x = index * ROW + 4, float(left)
        labels.append((left - 6, y + 13, rule.rule))
        for s in series:
            value = getattr(rule, s.name)
            width = (WIDTH - left - 10) * value / top
            bars.append(Bar(x, y, width, ROW - 8, s.css, f"{rule.rule}: {value} {s.label}"))
            x += width
    return Chart(WIDTH, max(len(rules), 1) * ROW + 8, tuple(bars), top, tuple(labels))


def scale(value: int) -> int:
    """The scale's top: the smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * step:
                return factor * step
        step *= 10
