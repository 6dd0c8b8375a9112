"""The 72-hour clock: the deadline, what is left or overdue, stopped once reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mailwarden.breach.clock import BreachClock, parse_moment

AWARE = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_the_deadline_is_72_hours_after_becoming_aware() -> None:
    assert BreachClock(AWARE).deadline == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "words", "overdue"),
    [
        (timedelta(hours=10, minutes=12), "61 h 48 min left", False),
        (timedelta(hours=71, minutes=48), "12 min left", False),
        (timedelta(hours=72), "0 min left", False),
        (timedelta(hours=75, minutes=5), "overdue by 3 h 5 min", True),
    ],
)
def test_the_clock_counts_down_then_overdue(after: timedelta, words: str, overdue: bool) -> None:
    reading = BreachClock(AWARE).at(AWARE + after)
    assert (reading.words, reading.overdue, reading.stopped) == (words, overdue, False)


def test_reporting_stops_the_clock_early_or_late() -> None:
    early = BreachClock(AWARE, AWARE + timedelta(hours=51, minutes=57))
    reading = early.at(AWARE + timedelta(days=30))
    assert (reading.words, reading.overdue, reading.stopped) == (
        "reported 20 h 3 min before the deadline",
        False,
        True,
    )
    late = BreachClock(AWARE, AWARE + timedelta(hours=74)).at(AWARE + timedelta(days=30))
    assert (late.words, late.overdue) == ("reported 2 h 0 min after the deadline", True)


def test_form_times_are_utc_unless_they_say_otherwise() -> None:
    assert parse_moment("2026-11-24T10:00") == AWARE
    assert parse_moment("2026-11-24T11:00+01:00") == AWARE
    assert parse_moment("  ") is None
    with pytest.raises(ValueError):
        parse_moment("yesterday")
