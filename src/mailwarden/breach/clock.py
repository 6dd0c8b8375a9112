"""The regulator's clock: a breach likely to harm people is reported within 72 hours of the
organisation becoming aware of it (UK GDPR art. 33). The clock stops when it is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

REPORT_WITHIN = timedelta(hours=72)
SHOWN = "%Y-%m-%d %H:%M UTC"
"""How a moment is written for people: the app's times are all UTC."""


@dataclass(frozen=True, slots=True)
class ClockReading:
    """The clock at one moment: how long is left (negative when overdue), and in words."""

    deadline: datetime
    remaining: timedelta
    overdue: bool
    stopped: bool
    words: str


@dataclass(frozen=True, slots=True)
class BreachClock:
    """72 hours from `aware_at`; stopped at `reported_at`."""

    aware_at: datetime
    reported_at: datetime | None = None

    @property
    def deadline(self) -> datetime:
        return self.aware_at + REPORT_WITHIN

    def at(self, now: datetime) -> ClockReading:
        """ "61 h 48 min left", "overdue by 3 h 5 min", "reported 20 h 3 min before the
        deadline"."""
        if self.reported_at is not None:
            margin = self.deadline - self.reported_at
            if margin >= timedelta(0):
                words = f"reported {span(margin)} before the deadline"
            else:
                words = f"reported {span(-margin)} after the deadline"
            return ClockReading(self.deadline, margin, margin < timedelta(0), True, words)
        remaining = self.deadline - now
        if remaining >= timedelta(0):
            return ClockReading(self.deadline, remaining, False, False, f"{span(remaining)} left")
        return ClockReading(self.deadline, remaining, True, False, f"overdue by {span(-remaining)}")


def span(length: timedelta) -> str:
    """ "61 h 48 min", "12 min": whole minutes, rounded down."""
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def shown(moment: datetime | None) -> str:
    """A moment as people read it, in UTC; "" for none."""
    return "" if moment is None else utc(moment).strftime(SHOWN)


def parse_moment(text: str) -> datetime | None:
    """A moment typed in a form ("2026-11-24T09:30", as a datetime-local field sends it, or
    ISO 8601 with a zone), taken as UTC when it has no zone; None for blank. `ValueError`
    for anything else."""
    text = text.strip()
    if not text:
        return None
    return utc(datetime.fromisoformat(text.replace(" ", "T", 1)))


def utc(moment: datetime) -> datetime:
    """Aware UTC; a naive moment was UTC (SQLite gives them back so, forms send them so)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
